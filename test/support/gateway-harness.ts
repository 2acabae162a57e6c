import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { inject } from 'vitest';
import { SignJWT, generateKeyPair, importJWK } from 'jose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_LOCAL_ISSUER,
  ensureLocalSigningKeys,
  readLocalSigningKey,
} from '../../libs/auth/src/index.js';
import { kebab, type CaseView, type Role } from '../../libs/contracts/src/index.js';
import { localToken } from './local-token.js';
import { freePort } from './servers.js';
import { gatewayEnvSchema, loadConfig, workerEnvSchema } from '../../libs/config/src/index.js';

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface SignOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds since the epoch; default an hour from now. */
  readonly expiresAt?: number;
  /** Sign with a fresh key the gateway does not know. */
  readonly foreignKey?: boolean;
  /** Seconds since the epoch; default now. */
  readonly issuedAt?: number;
}

export interface RunningGateway {
  readonly baseUrl: string;
  /** A provider of the running gateway (its composition root, in this process). */
  get<T>(type: new (...args: never[]) => T): T;
  /** The payload codec's keys the worker and the gateway share (`testPayloadCodec` opens their payloads). */
  readonly payloadKeysDir: string;
  /** A real ES256 bearer token signed by the gateway's local keys. */
  token(role: Role, org: string, sub?: string): Promise<string>;
  /** A token with arbitrary claims and header choices, to probe authentication failures. */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  call<T = unknown>(method: string, path: string, options?: CallOptions): Promise<CallResult<T>>;
  /** Opens a case as `role`/`org` and returns its view (throws unless 201). */
  open(token: string, role: Role, body: unknown): Promise<CaseView>;
  /** POST an act as `role`: `/role/cases/ref/kebab-act`. */
  act(
    token: string,
    role: Role,
    caseRef: string,
    act: string,
    body?: unknown,
    key?: string,
  ): Promise<CallResult>;
  /** Stops the worker (the gateway keeps running), as a worker crash would leave it. */
  stopWorker(): Promise<void>;
  /** Starts a fresh worker on the same task queue. */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real worker and gateway (their composition roots, in this process) against the given Temporal and
 * Kafka, with local signing keys in a temporary directory: tokens are real JWTs verified by the gateway.
 */
/** An answer's body: its JSON, or its text when it is not JSON (an iCalendar feed). */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function startGateway(target: {
  readonly temporalAddress: string;
  readonly kafkaBrokers: string;
  /** Default: the test run's PostgreSQL (`inject('databaseUrl')`). */
  readonly databaseUrl?: string;
  readonly taskQueue: string;
  /**
   * `false` against Temporal's time-skipping test server: it does not implement DescribeTaskQueue, so the
   * readiness probe's worker check stays down there; then wait for Temporal and Kafka only.
   */
  readonly workerProbe?: boolean;
  /** Where the gateway (not the worker) reaches Temporal, e.g. through a TcpProxy to cut its path. */
  readonly gatewayTemporalAddress?: string;
  /** Settings of both the worker and the gateway (e.g. `PAYLOAD_CODEC`). */
  readonly engineEnv?: Readonly<Record<string, string>>;
  /** More gateway settings (e.g. `GATEWAY_TEMPORAL_TIMEOUT_MS`). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** More worker settings (e.g. a `KAFKA_BROKERS` it cannot reach, so its events wait). */
  readonly workerEnv?: Readonly<Record<string, string>>;
}): Promise<RunningGateway> {
  const keysDir = await mkdtemp(join(tmpdir(), 'pathway-auth-'));
  const keys = await ensureLocalSigningKeys(keysDir);
  const port = await freePort();
  const payloadKeysDir = join(keysDir, 'payload-keys');
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  // Each app gets its configuration as a value, validated like the environment is at boot.
  const engine = {
    TEMPORAL_ADDRESS: target.temporalAddress,
    KAFKA_BROKERS: target.kafkaBrokers,
    TEMPORAL_TASK_QUEUE: target.taskQueue,
    PAYLOAD_KEYRING_DIR: payloadKeysDir,
    ...target.engineEnv,
  };
  const workerConfig = loadConfig(workerEnvSchema, {
    ...engine,
    WORKER_BUNDLE_PATH: process.env['TEST_WORKFLOW_BUNDLE'] ?? '',
    ...target.workerEnv,
  });
  const gatewayConfig = loadConfig(gatewayEnvSchema, {
    ...engine,
    TEMPORAL_ADDRESS: target.gatewayTemporalAddress ?? target.temporalAddress,
    DATABASE_URL: target.databaseUrl ?? inject('databaseUrl'),
    GATEWAY_PORT: String(port),
    // One line per request at info would drown the test output; tests of the request log set it.
    LOG_LEVEL: 'warn',
    AUTH_JWKS_PATH: keys.jwksPath,
    PERSON_KEYRING_DIR: join(keysDir, 'person-keys'),
    ...target.gatewayEnv,
  });
  const { WorkerModule, PathwayWorkerRunner } = await import('../../apps/worker/src/worker.module.js');
  const { NestFactory } = await import('@nestjs/core');
  let worker: { context: INestApplicationContext; run: Promise<void> } | undefined;
  const startWorker = async (): Promise<void> => {
    const context = await NestFactory.createApplicationContext(WorkerModule.withConfig(workerConfig), {
      logger: ['error', 'warn'],
    });
    worker = { context, run: context.get(PathwayWorkerRunner).run() };
  };
  const stopWorker = async (): Promise<void> => {
    const running = worker;
    worker = undefined;
    await running?.context.close();
    await running?.run.catch(() => undefined);
  };
  await startWorker();
  const { createGateway } = await import('../../apps/gateway/src/create-gateway.js');
  const gateway: NestExpressApplication = await createGateway(gatewayConfig);
  gateway.useLogger(['error', 'warn']);
  await gateway.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const isReady = async (): Promise<boolean> => {
    // A busy machine was seen to reset the first connections: keep polling until the deadline.
    const response = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
    if (response === undefined) return false;
    if (response.status === 200 || target.workerProbe !== false) return response.status === 200;
    const { checks } = (await response.json()) as { checks?: Record<string, string> };
    return checks?.['temporal'] === 'up' && checks['kafka'] === 'up';
  };
  const deadline = Date.now() + 60_000;
  while (!(await isReady())) {
    if (Date.now() > deadline) throw new Error('gateway never became ready');
    await new Promise((r) => setTimeout(r, 250));
  }
  const signing = await readLocalSigningKey(keysDir);

  const call = async <T>(method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? jsonOrText(text) : undefined) as T,
    };
  };

  return {
    baseUrl,
    payloadKeysDir,
    get: (type) => gateway.get(type),
    token: (role, org, sub) => localToken(signing, role, org, sub),
    sign: async (claims, options = {}) => {
      const key = options.foreignKey
        ? (await generateKeyPair('ES256')).privateKey
        : await importJWK(signing.privateJwk, 'ES256');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signing.kid })
        .setIssuer(options.issuer ?? DEFAULT_LOCAL_ISSUER)
        .setAudience(options.audience ?? DEFAULT_AUDIENCE)
        .setIssuedAt(options.issuedAt ?? Math.floor(Date.now() / 1000))
        .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 3600)
        .sign(key);
    },
    call,
    open: async (token, role, body) => {
      const result = await call<CaseView>('POST', `/${role}/cases`, { token, body });
      if (result.status !== 201)
        throw new Error(`open failed: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    },
    act: (token, role, caseRef, act, body = {}, key) =>
      call('POST', `/${role}/cases/${caseRef}/${kebab(act)}`, {
        token,
        body,
        ...(key ? { headers: { 'idempotency-key': key } } : {}),
      }),
    stopWorker,
    startWorker,
    close: async () => {
      await gateway.close();
      await stopWorker();
    },
  };
}
