import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './project-root.js';

/**
 * Every environment variable the project reads, in one place. `docker-compose.yml` and the README are
 * checked against these names by tests, so a renamed variable cannot drift out of the docs.
 */

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const HOST_PORT = /^[A-Za-z0-9.\-_]+:\d{1,5}$/;
const hostPort = z.string().trim().regex(HOST_PORT, 'must be host:port, e.g. 127.0.0.1:7233');
/** A Kafka broker: the example names Kafka's port, not Temporal's. */
const brokerAddress = z.string().trim().regex(HOST_PORT, 'must be host:port, e.g. 127.0.0.1:9092');

const brokerList = z
  .string()
  .trim()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0),
  )
  .pipe(z.array(brokerAddress).min(1, 'must list at least one broker as host:port[,host:port]'));

const logLevel = z.enum(['error', 'warn', 'info', 'debug']);
/** `auto`: pretty at a terminal, JSON lines otherwise (files, collectors). */
const logFormat = z.enum(['auto', 'json', 'pretty']);

/**
 * Traces (OpenTelemetry), read by the gateway and the worker: exported only when configured. These decide
 * whether and where; the SDK reads the other standard variables itself (`OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_TRACES_SAMPLER`, `OTEL_RESOURCE_ATTRIBUTES`, ...).
 */
const tracingEnv = {
  /** `otlp` (OTLP over HTTP, protobuf), `console`, or `none`; unset: `otlp` if an endpoint is set. */
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'console', 'none'], { error: 'must be otlp, console or none' })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .literal('http/protobuf', { error: 'must be http/protobuf (the exporter this project ships)' })
    .optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .literal('http/protobuf', { error: 'must be http/protobuf (the exporter this project ships)' })
    .optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
};

/** Where the traces go for a loaded configuration: off (`none`) unless an exporter or endpoint is set. */
export function traceExporterOf(config: {
  readonly OTEL_TRACES_EXPORTER?: 'otlp' | 'console' | 'none' | undefined;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  readonly OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  readonly OTEL_SDK_DISABLED?: 'true' | 'false' | undefined;
}): 'otlp' | 'console' | 'none' {
  if (config.OTEL_SDK_DISABLED === 'true') return 'none';
  if (config.OTEL_TRACES_EXPORTER !== undefined) return config.OTEL_TRACES_EXPORTER;
  const endpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint === undefined ? 'none' : 'otlp';
}

/** Shared by the gateway and the worker: where Temporal and Kafka are. */
export const engineEnvSchema = z.object({
  TEMPORAL_ADDRESS: hostPort,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('victim-pathway'),
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().trim().min(1).default('victim-pathway'),
  LOG_LEVEL: logLevel.default('info'),
  LOG_FORMAT: logFormat.default('auto'),
  /**
   * The keys of Temporal's payload codec (ADR 0015), the same directory for the worker and the gateway: a
   * local file made on first start, only its owner can read it. The default is the project's `.data/keys`.
   */
  PAYLOAD_KEYRING_DIR: z
    .string()
    .trim()
    .min(1)
    .default(() => join(projectRoot(), '.data', 'keys')),
  /**
   * `none` leaves Temporal's payloads in the clear: only to measure the codec's cost (`npm run bench`). The
   * worker and the gateway of one deployment must agree, or neither can read the other's payloads.
   */
  PAYLOAD_CODEC: z
    .enum(['aes-256-gcm', 'none'], { error: 'must be aes-256-gcm (the default) or none' })
    .default('aes-256-gcm'),
  ...tracingEnv,
});

export const gatewayEnvSchema = engineEnvSchema
  .extend({
    GATEWAY_HOST: z.string().trim().min(1).default('127.0.0.1'),
    GATEWAY_PORT: port.default(3000),
    /** Deployed: the OIDC issuer's JWKS (its `jwks_uri`). When set, the local key file is not used. */
    AUTH_JWKS_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
    /**
     * Embedded default: the public keys `npm start` creates under DATA_DIR (`npm run token` signs with them).
     * The default is the project's `.data/auth/jwks.json` wherever the app is started from.
     */
    AUTH_JWKS_PATH: z
      .string()
      .trim()
      .min(1)
      .default(() => join(projectRoot(), '.data', 'auth', 'jwks.json')),
    AUTH_ISSUER: z.string().trim().min(1).default('urn:victim-pathway:local'),
    /** The built caseworker console the gateway serves at `/` (ADR 0018); nothing is served when it is absent. */
    CONSOLE_DIR: z
      .string()
      .trim()
      .min(1)
      .default(() => join(projectRoot(), 'dist', 'console')),
    AUTH_AUDIENCE: z.string().trim().min(1).default('victim-pathway'),
    /** Tokens meant to live longer than this (`exp` − `iat`) are refused. */
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(43_200),
    /** PostgreSQL (the access-log outbox): `postgres://user:password@host:5432/database`. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
    /** Longest a request waits for Temporal (and through it a worker) before answering 503. */
    GATEWAY_TEMPORAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    /** The Retry-After of a 503. */
    GATEWAY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
    /** On SIGTERM, how long requests in flight may take to finish before their connections are closed. */
    GATEWAY_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /**
     * The master keyring that wraps each case's data key (ADR 0014): a local file made on first start, only its
     * owner can read it. The default is the project's `.data/keys` wherever the app is started from.
     */
    PERSON_KEYRING_DIR: z
      .string()
      .trim()
      .min(1)
      .default(() => join(projectRoot(), '.data', 'keys')),
    /**
     * Whether this gateway feeds the read model from the audit stream (issue 14). Every gateway does by
     * default (they share the work as one consumer group); `false` for one that should only answer.
     */
    READ_MODEL_PROJECTION: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('true')
      .transform((value) => value === 'true'),
    /** How often a gateway looks for closed cases whose person data has reached the end of retention; 0: off. */
    PERSON_RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /**
     * The Temporal UIs whose pages may call the codec server (`/<role>/codec/*`) from the browser (CORS), as
     * origins: `http://127.0.0.1:8233[,https://temporal.example.org]`. `npm start` sets its local UI's.
     */
    CODEC_CORS_ORIGINS: z
      .string()
      .trim()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin.length > 0),
      )
      .pipe(
        z.array(
          z
            .string()
            .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must list origins: http(s)://host[:port]'),
        ),
      ),
    /**
     * Deployed: the console's client at the OpenID Connect issuer (a public client, authorization code with
     * PKCE). Set, the console signs in there (ADR 0021); it needs AUTH_JWKS_URL (the issuer's keys).
     */
    OIDC_CLIENT_ID: z
      .string()
      .trim()
      .regex(/^[\x21-\x7e]{1,255}$/, 'must be a client id (1–255 visible ASCII characters)')
      .optional(),
    /**
     * The issuer the console signs in with (its `/.well-known/openid-configuration`); default AUTH_ISSUER, the
     * issuer of the access tokens. Differs only for issuers whose access tokens name another `iss`.
     */
    OIDC_ISSUER: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .refine((url) => !url.includes('?') && !url.includes('#'), 'must have no query or fragment')
      .optional(),
    /** The scopes the console asks for (`openid` first); the issuer puts `role` and `org` in the access token. */
    OIDC_SCOPE: z
      .string()
      .trim()
      .regex(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be space-separated scopes starting with openid')
      .default('openid'),
    /**
     * A resource indicator (RFC 8707) the console sends with its requests, when the issuer needs one to mint
     * access tokens for the gateway's audience (an absolute URI); unset, none is sent.
     */
    OIDC_RESOURCE: z.url({ error: 'must be an absolute URI' }).optional(),
  })
  .superRefine((config, context) => {
    // The console's OpenID Connect sign-in needs the issuer's keys to verify what it brings back, and an
    // issuer the browser can reach.
    if (config.OIDC_CLIENT_ID === undefined) return;
    if (config.AUTH_JWKS_URL === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['OIDC_CLIENT_ID'],
        message: "needs AUTH_JWKS_URL (the issuer's jwks_uri): the gateway verifies the issuer's tokens",
      });
    }
    if (config.OIDC_ISSUER === undefined && !/^https?:\/\/[^?#]+$/.test(config.AUTH_ISSUER)) {
      context.addIssue({
        code: 'custom',
        path: ['OIDC_CLIENT_ID'],
        message: 'needs OIDC_ISSUER, or an AUTH_ISSUER that is the issuer’s http(s) URL',
      });
    }
  });

/** The issuer the console signs in with, when it does with OpenID Connect (`OIDC_CLIENT_ID` set). */
export function oidcIssuer(config: GatewayConfig): string | undefined {
  return config.OIDC_CLIENT_ID === undefined ? undefined : (config.OIDC_ISSUER ?? config.AUTH_ISSUER);
}

/** A port, or 0 for "off". */
const portOrOff = z.coerce
  .number({ error: 'must be a port number (0: off)' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (off) and 65535')
  .max(65535, 'must be between 0 (off) and 65535');

export const workerEnvSchema = engineEnvSchema.extend({
  WORKER_BUNDLE_PATH: z.string().trim().min(1).optional(),
  /**
   * Cases the worker keeps in memory between their tasks (Temporal's workflow cache); one evicted is replayed
   * from its history on its next task. Sets the worker's memory, not the open caseload (issue 14, ADR 0022).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(50),
  /** The worker's Prometheus endpoint (`/metrics`: the Temporal SDK's metrics and the pathway's); 0: off. */
  WORKER_METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  WORKER_METRICS_PORT: portOrOff.default(9464),
  /** Partitions of each topic the worker creates (existing topics are left as they are). */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(3),
  /** Copies of each partition; unset: 1 on a single broker, else min(3, brokers). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).optional(),
});

/**
 * Read by `npm start` (the embedded default). When TEMPORAL_ADDRESS / KAFKA_BROKERS are set it uses those
 * and starts no local server; otherwise it runs its own on the ports below.
 */
export const launcherEnvSchema = z.object({
  DATA_DIR: z.string().trim().min(1).default('.data'),
  TOOLS_DIR: z.string().trim().min(1).default('.tools'),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** The local Temporal dev server's Prometheus endpoint (`/metrics`). */
  TEMPORAL_METRICS_PORT: port.default(8234),
  TEMPORAL_UI_URL: z.url().optional(),
  WORKER_METRICS_PORT: portOrOff.default(9464),
  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_PORT: port.default(9092),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_HEAP_MB: z.coerce.number().int().min(128).max(8192).default(512),
  /**
   * The heap ceiling of each of the worker's isolates (its main thread and its workflow thread), in MB. Keep
   * it well above what WORKER_MAX_CACHED_WORKFLOWS needs (about 0.2–0.45 MB a case): an isolate that reaches
   * it stops the process (ADR 0022).
   */
  WORKER_HEAP_MB: z.coerce.number().int().min(96).max(16_384).default(256),
  /** The gateway's heap ceiling, in MB (ADR 0022). */
  GATEWAY_HEAP_MB: z.coerce.number().int().min(96).max(16_384).default(256),
  GATEWAY_HOST: z.string().trim().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port.default(3000),
  /** PostgreSQL: unset, `npm start` runs its own under DATA_DIR on POSTGRES_PORT. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  POSTGRES_PORT: port.default(5433),
  LOG_LEVEL: logLevel.default('info'),
  LOG_FORMAT: logFormat.default('auto'),
  ...tracingEnv,
});

export type EngineConfig = z.infer<typeof engineEnvSchema>;
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
export type WorkerConfig = z.infer<typeof workerEnvSchema>;
export type LauncherConfig = z.infer<typeof launcherEnvSchema>;
