import type { Logger } from '@nestjs/common';
import type { Pool } from '../../../../libs/database/src/index.js';
import type { Delivery, EventPublisher } from '../../../../libs/messaging/src/index.js';

/** Rows per relay round, and how long the relay waits between rounds (shorter when kicked). */
const RELAY_BATCH = 500;
const RELAY_IDLE_MS = 1_000;
const RELAY_BACKOFF_MAX_MS = 10_000;

/** One outbox table: how to take its oldest rows and what each one delivers. */
export interface OutboxTable<Row extends { readonly seq: string }> {
  /** What is relayed, for the log (`access records`, `person events`). */
  readonly what: string;
  /** Selects the oldest rows (`seq` and the columns `deliveries` reads), `limit $1 for update skip locked`. */
  readonly select: string;
  /** Deletes the rows relayed: `… where seq = any($1::bigint[])`. */
  readonly delete: string;
  deliveries(row: Row): readonly Delivery[];
}

/**
 * Publishes what a gateway stored in an outbox table (ADR 0007): the oldest rows first, skipping those
 * another gateway is relaying; the rows are deleted in the same transaction once the broker holds every
 * copy. A crash in between leaves them stored: they are published again (same ids). Backs off while Kafka or
 * the database is away; `kick()` after a write shortens the wait.
 */
export class OutboxRelay<Row extends { readonly seq: string }> {
  private relaying: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: EventPublisher,
    private readonly table: OutboxTable<Row>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.relaying = this.loop();
  }

  kick(): void {
    this.wake?.();
  }

  /** Stops the loop, then one last bounded round so that a clean stop leaves nothing behind when Kafka is up. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.relaying;
    await Promise.race([this.relayOnce().catch(() => 0), new Promise((r) => setTimeout(r, 5_000))]);
  }

  private async loop(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      let sent = 0;
      try {
        sent = await this.relayOnce();
        backoff = 0;
      } catch (error) {
        backoff = Math.min(RELAY_BACKOFF_MAX_MS, backoff === 0 ? 250 : backoff * 2);
        this.logger.warn(
          `${this.table.what} not published yet (${error instanceof Error ? error.name : 'error'}); retrying in ${backoff} ms`,
        );
      }
      if (sent === RELAY_BATCH && backoff === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff || RELAY_IDLE_MS);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          // A kick during a backoff waits for the backoff: no storm against a broker that is down.
          if (backoff === 0) resolve();
          else setTimeout(resolve, backoff);
        };
      });
    }
  }

  /** One round; returns how many rows it published. */
  async relayOnce(): Promise<number> {
    const client = await this.pool.connect();
    // A connection cut while the client is held must fail the round, not the process.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('begin');
      const { rows } = await client.query<Row>(this.table.select, [RELAY_BATCH]);
      if (rows.length > 0) {
        await this.publisher.publish(rows.flatMap((row) => this.table.deliveries(row)));
        await client.query(this.table.delete, [rows.map((row) => row.seq)]);
      }
      await client.query('commit');
      return rows.length;
    } catch (error) {
      broken = true;
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      // A client whose round failed may hold a dead connection: the pool discards it.
      client.release(broken);
    }
  }
}
