import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { AUDIT_TOPIC } from '../../../../libs/contracts/src/index.js';
import { createAgencyInbox, type AgencyInbox } from '../../../../libs/messaging/src/index.js';
import type { ReadModelStore } from '../../../../libs/read-model/src/index.js';
import { GATEWAY_CONFIG, KAFKA, READ_MODEL_STORE } from '../tokens.js';

/** The projection's progress, for the metrics and the readiness answer. */
export interface ProjectionProgress {
  /** Messages the group has not read yet, summed over the audit topic's partitions (undefined: unknown). */
  readonly lagEvents: number | undefined;
  /** Events that came before an earlier one of their case (a gap), since this gateway started. */
  readonly gaps: number;
}

/**
 * Feeds the read model (issue 14) from the audit stream: a consumer group of the gateways
 * (`<KAFKA_CLIENT_ID>-read-model`) reads `pathway.audit.v1` from its beginning and applies each message
 * to PostgreSQL (idempotent by each event's number in its case; the offset is committed after it is
 * stored). Never from Temporal. Kafka out of reach at boot does not stop the gateway: the consumer is
 * started again with backoff; the listings answer from what the read model holds meanwhile.
 */
@Injectable()
export class ReadModelProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModel');
  private inbox: AgencyInbox | undefined;
  private stopping = false;
  private gaps = 0;
  private lastFailureLog = 0;
  private onDelay: ((seconds: number) => void) | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
  ) {}

  get groupId(): string {
    return `${this.config.KAFKA_CLIENT_ID}-read-model`;
  }

  /** Called with each applied message's lag, from the broker's time to stored (the metrics' histogram). */
  observeDelays(observe: (seconds: number) => void): void {
    this.onDelay = observe;
  }

  onApplicationBootstrap(): void {
    if (!this.config.READ_MODEL_PROJECTION) return;
    void this.startWhenReachable();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.inbox?.stop();
  }

  private async startWhenReachable(): Promise<void> {
    for (let wait = 1_000, warned = false; !this.stopping; wait = Math.min(wait * 2, 30_000)) {
      const inbox = createAgencyInbox({
        kafka: this.kafka,
        topic: AUDIT_TOPIC,
        groupId: this.groupId,
        fromBeginning: true,
        // The store is idempotent by itself; every delivery goes to it.
        dedup: false,
        onEvent: async (event, meta) => {
          let kind: Awaited<ReturnType<ReadModelStore['apply']>>;
          try {
            kind = await this.store.apply(event);
          } catch (error) {
            // Retried by the consumer; said out loud (at most every 30 s), or a projection that cannot store
            // anything would only show as a lag that grows.
            if (Date.now() - this.lastFailureLog > 30_000) {
              this.lastFailureLog = Date.now();
              const code = (error as { code?: unknown }).code;
              this.logger.warn(
                `read model: an audit event could not be stored (${error instanceof Error ? error.name : 'error'}${typeof code === 'string' ? ` ${code}` : ''}); retrying`,
              );
            }
            throw error;
          }
          if (kind === 'gap') {
            this.gaps += 1;
            this.logger.warn(`read model: an event of ${event.subject} came before an earlier one (gap)`);
          }
          this.onDelay?.(Math.max(0, (Date.now() - Number(meta.timestamp)) / 1000));
        },
        onCrash: (error, restarting) => {
          if (restarting || this.stopping) return;
          this.logger.warn(`read model consumer stopped (${error.message}); starting it again`);
          this.inbox = undefined;
          void this.startWhenReachable();
        },
      });
      try {
        await inbox.start();
        this.inbox = inbox;
        if (warned) this.logger.log('read model: Kafka reached, projecting the audit stream');
        return;
      } catch (error) {
        await inbox.stop().catch(() => undefined);
        if (!warned) {
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.warn(`read model: cannot read ${AUDIT_TOPIC} yet (${reason}); retrying`);
        }
        warned = true;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
  }

  /** How far behind the projection is: unread messages of the audit topic, and gaps seen. */
  async progress(): Promise<ProjectionProgress> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(AUDIT_TOPIC),
        admin.fetchOffsets({ groupId: this.groupId, topics: [AUDIT_TOPIC] }),
      ]);
      const done = new Map(
        committed.flatMap((topic) => topic.partitions.map((p) => [p.partition, Number(p.offset)] as const)),
      );
      let lag = 0;
      for (const partition of ends) {
        const at = done.get(partition.partition) ?? -1;
        lag += Math.max(0, Number(partition.high) - (at < 0 ? Number(partition.low) : at));
      }
      return { lagEvents: lag, gaps: this.gaps };
    } catch {
      return { lagEvents: undefined, gaps: this.gaps };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
