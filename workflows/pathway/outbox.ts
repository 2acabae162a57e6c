import { ActivityFailure, log, metricMeter, proxyActivities } from '@temporalio/workflow';
import {
  NON_RETRYABLE_ERRORS,
  type AgencyEventRequest,
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
 */
export class Outbox {
  private readonly queue: AgencyEventRequest[];
  private readonly setAside: UndeliverableEvent[];

  constructor(
    carried: {
      readonly outbox?: readonly AgencyEventRequest[];
      readonly undeliverable?: readonly UndeliverableEvent[];
    },
    private readonly onQueued: () => void,
  ) {
    this.queue = [...(carried.outbox ?? [])];
    this.setAside = [...(carried.undeliverable ?? [])];
  }

  push(request: AgencyEventRequest): void {
    this.queue.push(request);
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
      const request = this.queue[0];
      if (request === undefined) break;
      try {
        await publishAgencyEvent(request);
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
  carried(): { outbox: AgencyEventRequest[]; undeliverable: UndeliverableEvent[] } {
    return { outbox: [...this.queue], undeliverable: [...this.setAside] };
  }
}
