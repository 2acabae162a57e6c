import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AUDIT_TOPIC, agencyTopic, type CloudEvent } from '../../../../libs/contracts/src/index.js';
import type { Pool } from '../../../../libs/database/src/index.js';
import type { AgencyId } from '../../../../libs/domain/src/index.js';
import { EVENT_PUBLISHER, type EventPublisher } from '../../../../libs/messaging/src/index.js';
import type { Transaction } from '../../../../libs/personal-data/src/index.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { DATABASE } from '../tokens.js';

/**
 * The person events (the record changed, a note was added, the person's data was erased): written to the
 * event outbox in the vault's own transaction — so an event exists exactly when its change does — and
 * relayed to the audit stream and the agencies' topics. Works for a closed case too (its workflow has ended).
 */
@Injectable()
export class PersonEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly relay: OutboxRelay<{ seq: string; topics: string[]; event: CloudEvent }>;

  constructor(@Inject(DATABASE) pool: Pool, @Inject(EVENT_PUBLISHER) publisher: EventPublisher) {
    this.relay = new OutboxRelay(
      pool,
      publisher,
      {
        what: 'person events',
        select: 'select seq, topics, event from event_outbox order by seq limit $1 for update skip locked',
        delete: 'delete from event_outbox where seq = any($1::bigint[])',
        deliveries: ({ topics, event }) => topics.map((topic) => ({ topic, event })),
      },
      new Logger('PersonEvents'),
    );
  }

  /** Stages `event` for the audit stream and `agencies`' topics, inside the caller's transaction. */
  async stage(tx: Transaction, event: CloudEvent, agencies: readonly AgencyId[]): Promise<void> {
    const topics = [AUDIT_TOPIC, ...[...new Set(agencies)].map(agencyTopic)];
    await tx.query(
      'insert into event_outbox (id, topics, event) values ($1, $2, $3) on conflict (id) do nothing',
      [event.id, topics, JSON.stringify(event)],
    );
  }

  /** After a commit: publish soon. */
  kick(): void {
    this.relay.kick();
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
