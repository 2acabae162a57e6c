import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { createTokenVerifier } from '../../../libs/auth/src/index.js';
import type { GatewayConfig } from '../../../libs/config/src/index.js';
import type { CaseNote, PathwayCases, PersonRecord } from '../../../libs/contracts/src/index.js';
import {
  LocalKeyring,
  PayloadKeyring,
  PersonVault,
  ensureLocalKeyring,
} from '../../../libs/personal-data/src/index.js';
import { createPool, migrateDatabase, type Pool } from '../../../libs/database/src/index.js';
import { installedTracing } from '../../../libs/observability/src/index.js';
import {
  EVENT_PUBLISHER,
  KafkaEventPublisher,
  createKafka,
  type EventPublisher,
} from '../../../libs/messaging/src/index.js';
import {
  AesGcmPayloadCodec,
  TemporalPathwayCases,
  closeTemporalClient,
  connectTemporalClient,
  ensureSearchAttributes,
} from '../../../libs/temporal/src/index.js';
import { AgencyController } from './agency/agency.controller.js';
import { CaseGatewayService } from './agency/case-gateway.service.js';
import { CaseViews } from './agency/case-views.js';
import { IdempotencyKeyStore } from './agency/idempotency-key.store.js';
import { AccessGuard, type TokenVerifier } from './auth/access.guard.js';
import { AccessLogService } from './auth/access-log.service.js';
import { DirectoryController } from './directory/directory.controller.js';
import { Drain } from './health/drain.js';
import { HealthController } from './health/health.controller.js';
import { GatewayMetrics, MetricsController } from './metrics/gateway-metrics.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { requestLogParams } from './http/request-log.js';
import {
  DATABASE,
  GATEWAY_CONFIG,
  KAFKA,
  PATHWAY_CASES,
  PAYLOAD_CODEC,
  PERSON_VAULT,
  READ_MODEL_STORE,
  CASELOAD_QUERIES,
  CASE_VIEW_STORE,
  TEMPORAL_CLIENT,
  TOKEN_VERIFIER,
} from './tokens.js';
import { PersonEvents } from './agency/person-events.js';
import { PersonService } from './agency/person.service.js';
import { RetentionSweep } from './agency/retention-sweep.js';
import { CaseloadService } from './read-model/caseload.service.js';
import { ReadModelProjector } from './read-model/read-model.projector.js';
import { CaseViewStore, CaseloadQueries, ReadModelStore } from '../../../libs/read-model/src/index.js';
import { CodecService } from './codec/codec.service.js';
import { CalendarFeedService } from './calendar/calendar-feed.service.js';
import { CalendarFeedStore } from './calendar/calendar-feed.store.js';
import { LocalSignInController } from './console/local-sign-in.controller.js';
import { LocalSignInService, localSignInAvailable } from './console/local-sign-in.service.js';
import { SignInConfigController } from './console/sign-in-config.controller.js';

const PROVIDERS: Provider[] = [
  {
    provide: TEMPORAL_CLIENT,
    useFactory: async (config: GatewayConfig, codec: AesGcmPayloadCodec) => {
      const client = await connectTemporalClient({
        address: config.TEMPORAL_ADDRESS,
        namespace: config.TEMPORAL_NAMESPACE,
        payloadCodec: config.PAYLOAD_CODEC === 'none' ? undefined : codec,
        // The trace goes on into the workflows only when spans are exported (ADR 0022).
        traced: installedTracing()?.exporting === true,
      });
      // Cases open with their access grants as a search attribute: it must exist before the first one.
      await ensureSearchAttributes(client.connection, config.TEMPORAL_NAMESPACE);
      return client;
    },
    inject: [GATEWAY_CONFIG, PAYLOAD_CODEC],
  },
  {
    provide: PAYLOAD_CODEC,
    useFactory: async (config: GatewayConfig) =>
      new AesGcmPayloadCodec(await PayloadKeyring.open(config.PAYLOAD_KEYRING_DIR)),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: KAFKA,
    useFactory: (config: GatewayConfig): Kafka =>
      createKafka(
        { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-gateway` },
        { silent: true },
      ),
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: DATABASE,
    useFactory: async (config: GatewayConfig): Promise<Pool> => {
      // Several gateways may start at once: the migration takes an advisory lock.
      await migrateDatabase(config.DATABASE_URL);
      return createPool(config.DATABASE_URL, { applicationName: 'victim-pathway-gateway' });
    },
    inject: [GATEWAY_CONFIG],
  },
  {
    provide: PERSON_VAULT,
    useFactory: async (config: GatewayConfig, pool: Pool): Promise<PersonVault<PersonRecord, CaseNote>> => {
      // Embedded default: the local keyring, made once (a KMS implements the same port when deployed).
      await ensureLocalKeyring(config.PERSON_KEYRING_DIR);
      return new PersonVault(pool, await LocalKeyring.load(config.PERSON_KEYRING_DIR));
    },
    inject: [GATEWAY_CONFIG, DATABASE],
  },
  {
    provide: EVENT_PUBLISHER,
    useFactory: (kafka: Kafka): EventPublisher => new KafkaEventPublisher(kafka),
    inject: [KAFKA],
  },
  {
    provide: PATHWAY_CASES,
    useFactory: (client: Client, config: GatewayConfig): PathwayCases =>
      new TemporalPathwayCases(client, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        callTimeoutMs: config.GATEWAY_TEMPORAL_TIMEOUT_MS,
      }),
    inject: [TEMPORAL_CLIENT, GATEWAY_CONFIG],
  },
  {
    provide: TOKEN_VERIFIER,
    useFactory: (config: GatewayConfig): Promise<TokenVerifier> | TokenVerifier =>
      createTokenVerifier(
        config.AUTH_JWKS_URL
          ? {
              mode: 'remote',
              jwksUrl: config.AUTH_JWKS_URL,
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
            }
          : {
              mode: 'local',
              jwksPath: config.AUTH_JWKS_PATH,
              issuer: config.AUTH_ISSUER,
              audience: config.AUTH_AUDIENCE,
              maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
            },
      ),
    inject: [GATEWAY_CONFIG],
  },
  { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  AccessGuard,
  AccessLogService,
  GatewayMetrics,
  Drain,
  IdempotencyKeyStore,
  CaseGatewayService,
  PersonEvents,
  PersonService,
  RetentionSweep,
  CaseloadService,
  ReadModelProjector,
  {
    provide: READ_MODEL_STORE,
    useFactory: (pool: Pool) => new ReadModelStore(pool),
    inject: [DATABASE],
  },
  {
    provide: CASELOAD_QUERIES,
    useFactory: (pool: Pool) => new CaseloadQueries(pool),
    inject: [DATABASE],
  },
  {
    provide: CASE_VIEW_STORE,
    useFactory: (pool: Pool) => new CaseViewStore(pool),
    inject: [DATABASE],
  },
  CaseViews,
  CodecService,
  CalendarFeedStore,
  CalendarFeedService,
];

/**
 * The gateway's module, for a configuration loaded once by its caller (`main.ts` from the environment, tests
 * from their own values): `GatewayModule.withConfig(config)`.
 */
@Module({})
export class GatewayModule implements OnApplicationShutdown {
  /** `logger`: the app's pino logger (`main.ts` makes it first, to log the boot); else one for `config`. */
  static withConfig(config: GatewayConfig, logger?: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [LoggerModule.forRoot(requestLogParams(config, logger))],
      controllers: [
        // Before the agency controller's `/:role/…`: the local sign-in exists only in the embedded default.
        ...(localSignInAvailable(config) ? [LocalSignInController] : []),
        SignInConfigController,
        AgencyController,
        HealthController,
        DirectoryController,
        MetricsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...PROVIDERS,
        ...(localSignInAvailable(config) ? [LocalSignInService] : []),
      ],
    };
  }

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(DATABASE) private readonly pool: Pool,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
  ) {}

  /** After the access log's last relay round (providers shut down before their module). */
  async onApplicationShutdown(): Promise<void> {
    await closeTemporalClient(this.client);
    await this.publisher.close();
    await this.pool.end();
  }
}
