import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { ALL_TOPICS } from '../../../libs/contracts/src/index.js';
import type { WorkerConfig } from '../../../libs/config/src/index.js';
import {
  EVENT_PUBLISHER,
  KafkaEventPublisher,
  createKafka,
  TopicSettingsError,
  ensureTopics,
  type EventPublisher,
} from '../../../libs/messaging/src/index.js';
import { PayloadKeyring } from '../../../libs/personal-data/src/index.js';
import {
  AesGcmPayloadCodec,
  ensureSearchAttributes,
  reachTemporal,
} from '../../../libs/temporal/src/index.js';
import { createPathwayWorker } from './pathway-worker.js';

export const WORKER_CONFIG = Symbol('WorkerConfig');
export const KAFKA = Symbol('Kafka');
export const NATIVE_CONNECTION = Symbol('NativeConnection');

/** Owns the Temporal Worker's life: run until shutdown, and fail the process if the worker fails. */
@Injectable()
export class PathwayWorkerRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('PathwayWorker');
  private worker: Worker | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(NATIVE_CONNECTION) private readonly connection: NativeConnection,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  private stopping = false;

  /**
   * Resolves when the worker has stopped; rejects if it failed. Kafka out of reach does not stop the boot:
   * cases go on (their events wait in the workflows, whose publishing activities retry) and the topics are
   * created as soon as the broker answers.
   */
  async run(): Promise<void> {
    void this.ensureTopicsWhenReachable();
    await ensureSearchAttributes(this.connection, this.config.TEMPORAL_NAMESPACE);
    this.worker = await createPathwayWorker({
      connection: this.connection,
      namespace: this.config.TEMPORAL_NAMESPACE,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      publisher: this.publisher,
      payloadCodec:
        this.config.PAYLOAD_CODEC === 'none'
          ? undefined
          : new AesGcmPayloadCodec(await PayloadKeyring.open(this.config.PAYLOAD_KEYRING_DIR)),
      workflowBundlePath: this.config.WORKER_BUNDLE_PATH,
      maxCachedWorkflows: this.config.WORKER_MAX_CACHED_WORKFLOWS,
    });
    this.logger.log(`polling task queue ${this.config.TEMPORAL_TASK_QUEUE}`);
    this.running = this.worker.run();
    await this.running;
  }

  private async ensureTopicsWhenReachable(): Promise<void> {
    const brokers = this.config.KAFKA_BROKERS.join(',');
    for (let wait = 1_000, warned = false; !this.stopping; wait = Math.min(wait * 2, 30_000)) {
      try {
        await ensureTopics(this.kafka, ALL_TOPICS, {
          partitions: this.config.KAFKA_TOPIC_PARTITIONS,
          ...(this.config.KAFKA_REPLICATION_FACTOR === undefined
            ? {}
            : { replicationFactor: this.config.KAFKA_REPLICATION_FACTOR }),
        });
        if (warned) this.logger.log(`Kafka at ${brokers} reached: topics ready`);
        return;
      } catch (error) {
        if (error instanceof TopicSettingsError) {
          // A setting the cluster cannot meet: say so (once) and try again slowly, as brokers may be added.
          if (!warned) this.logger.error(`cannot create the topics: ${error.message}`);
          warned = true;
          wait = 30_000;
        } else if (!warned) {
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.warn(
            `cannot reach Kafka at ${brokers} (KAFKA_BROKERS): ${reason}; events wait and are published once it answers`,
          );
          warned = true;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  /** Drains the worker (in-flight tasks finish) before the connections it uses are closed. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.publisher.close();
    await this.connection.close();
  }
}

const PROVIDERS: Provider[] = [
  {
    provide: KAFKA,
    useFactory: (config: WorkerConfig): Kafka =>
      createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-worker` }),
    inject: [WORKER_CONFIG],
  },
  {
    provide: EVENT_PUBLISHER,
    useFactory: (kafka: Kafka) => new KafkaEventPublisher(kafka),
    inject: [KAFKA],
  },
  {
    provide: NATIVE_CONNECTION,
    useFactory: (config: WorkerConfig) =>
      reachTemporal(config.TEMPORAL_ADDRESS, () =>
        NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }),
      ),
    inject: [WORKER_CONFIG],
  },
  PathwayWorkerRunner,
];

/**
 * The worker's module, for a configuration loaded once by its caller (`main.ts` from the environment, tests
 * from their own values): `WorkerModule.withConfig(config)`.
 */
@Module({})
export class WorkerModule {
  static withConfig(config: WorkerConfig): DynamicModule {
    return { module: WorkerModule, providers: [{ provide: WORKER_CONFIG, useValue: config }, ...PROVIDERS] };
  }
}
