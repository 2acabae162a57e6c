import { context } from '@opentelemetry/api';
import { ActivityFailure, log, metricMeter, proxyActivities } from '@temporalio/workflow';
import {
  NON_RETRYABLE_ERRORS,
  contextOfTraceparent,
  type OutboxEntry,
  type PathwayActivities,
  type UndeliverableEvent,
} from '../../libs/contracts/src/index.js';

const { publishAgencyEvent } = proxyActivities<PathwayActivities>({
  startToCloseTimeout: '30 seconds',
  // The activity heartbeats while it waits on the broker: a worker killed mid-publish is noticed in 10 s.
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS],
  },
});

/**
 * The case's events on their way out, in order, through `publishAgencyEvent`. An act arriving while the
 * outbox flushes appends to the same queue. Broker trouble is retried by the activity for as long as it
 * lasts. An event the activity refuses for good (it breaks its contract: a bug, not an outage) is set aside
 * and named in the case view, and the case goes on: one bad event must not stop a person's deadlines.
 *
 * An event an act caused is published in that act's trace (its `traceparent`, taken in the Update handler);
 * one a timer caused starts a trace of its own, not the one of the case's opening months before.
 */
export class Outbox {
  private readonly queue: OutboxEntry[];
  private readonly setAside: UndeliverableEvent[];

  constructor(
    carried: {
      readonly outbox?: readonly OutboxEntry[];
      readonly undeliverable?: readonly UndeliverableEvent[];
    },
    private readonly onQueued: () => void,
  ) {
    this.queue = [...(carried.outbox ?? [])];
    this.setAside = [...(carried.undeliverable ?? [])];
  }

  push(entry: OutboxEntry): void {
    this.queue.push(entry);
    this.onQueued();
  }

  get size(): number {
    return this.queue.length;
  }

  /** Events refused for good, for the case view. */
  get undeliverable(): readonly UndeliverableEvent[] {
    return this.setAside;
  }

  async flush(at: () => string): Promise<void> {
    while (this.queue.length > 0) {
      const entry = this.queue[0];
      if (entry === undefined) break;
      const { traceparent, ...request } = entry;
      try {
        await context.with(contextOfTraceparent(traceparent), () => publishAgencyEvent(request));
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        this.setAside.push({ key: request.key, type: request.type, at: at() });
        // Not recorded while replaying: one count per event set aside (alert on any).
        metricMeter
          .createCounter('pathway_events_set_aside', undefined, 'Events whose publication failed for good')
          .add(1, { type: request.type });
        log.error('event set aside: its publication failed for good', {
          key: request.key,
          type: request.type,
        });
      }
      this.queue.shift();
    }
  }

  /** What continues into the next run. */
  carried(): { outbox: OutboxEntry[]; undeliverable: UndeliverableEvent[] } {
    return { outbox: [...this.queue], undeliverable: [...this.setAside] };
  }
}
