import { context } from '@opentelemetry/api';
import {
  ActivityFailure,
  log,
  metricMeter,
  patched,
  proxyActivities,
  proxyLocalActivities,
  TemporalFailure,
} from '@temporalio/workflow';
import {
  NON_RETRYABLE_ERRORS,
  contextOfTraceparent,
  type OutboxEntry,
  type AgencyEventRequest,
  type PathwayActivities,
  type PublishedBatch,
  type UndeliverableEvent,
} from '../../libs/contracts/src/workflow.js';

/** The patch that publishes an act's events in one activity (issue 14). */
export const PUBLISH_BATCHES = 'publish-batches';
/**
 * The patch that publishes an act's events from the workflow task that made them, as a local activity, before
 * the durable activity (ADR 0025).
 */
export const PUBLISH_LOCAL_FIRST = 'publish-local-first';
/** At most this many events per activity (a queue that grew during an outage goes out in several). */
const BATCH_MAX = 50;

const { publishAgencyEvent, publishAgencyEvents } = proxyActivities<PathwayActivities>({
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
 * The same publication, run by the worker inside the workflow task that made the events (ADR 0025): no
 * activity task to schedule, dispatch and report, and no second workflow task to take its result — an act's
 * CloudEvents reach their consumers in about half the time. One attempt, one second (a publish takes
 * milliseconds): a broker that does not answer in it is the durable activity's to wait for, as before.
 */
const { publishAgencyEvents: publishAtOnce } = proxyLocalActivities<PathwayActivities>({
  startToCloseTimeout: '1 second',
  retry: { maximumAttempts: 1 },
});

/**
 * The case's events on their way out, in order, through `publishAgencyEvents` (an act's events in one call; runs recorded before, one `publishAgencyEvent` per event). An act arriving while the
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
      // Since issue 14 an act's events go out in one activity.
      if (patched(PUBLISH_BATCHES)) {
        await this.publishBatch(at);
        continue;
      }
      // Runs recorded before: one activity per event, exactly as they ran (the same awaits, so the same
      // order of commands against the Updates of the same task on replay).
      const entry = this.queue[0];
      if (entry === undefined) break;
      const { traceparent, ...request } = entry;
      try {
        await context.with(contextOfTraceparent(traceparent), () => publishAgencyEvent(request));
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        this.setAsideEvent(request, at);
      }
      this.queue.shift();
    }
  }

  /**
   * The events at the head of the queue that share one trace (one act's, or one timer's), at most
   * `BATCH_MAX`, in one `publishAgencyEvents`: every copy to every topic in one send, in order.
   */
  private async publishBatch(at: () => string): Promise<void> {
    const traceparent = this.queue[0]?.traceparent;
    let size = 1;
    while (size < this.queue.length && size < BATCH_MAX && this.queue[size]?.traceparent === traceparent) {
      size += 1;
    }
    const batch = this.queue.slice(0, size).map(({ traceparent: _traceparent, ...request }) => request);
    try {
      const { refused } = await this.publish(batch, traceparent);
      for (const event of refused) this.setAsideEvent(event, at);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      for (const event of batch) this.setAsideEvent(event, at);
    }
    this.queue.splice(0, size);
  }

  /**
   * One batch out: since ADR 0025 from the workflow task itself (a local activity) and, if that fails (the
   * broker away or slow), by the durable activity, retried for as long as the outage lasts. A batch the local
   * try sent before it timed out is sent again under the same ids, which consumers drop.
   */
  private async publish(
    batch: AgencyEventRequest[],
    traceparent: string | undefined,
  ): Promise<PublishedBatch> {
    const inTrace = (call: () => Promise<PublishedBatch>) =>
      context.with(contextOfTraceparent(traceparent), call);
    if (patched(PUBLISH_LOCAL_FIRST)) {
      try {
        return await inTrace(() => publishAtOnce(batch));
      } catch (error) {
        // A local activity's failure is the activity's own (an ApplicationFailure, a TimeoutFailure), not
        // wrapped in an ActivityFailure as a durable activity's is.
        if (!(error instanceof TemporalFailure)) throw error;
      }
    }
    return inTrace(() => publishAgencyEvents(batch));
  }

  private setAsideEvent(event: { readonly key: string; readonly type: string }, at: () => string): void {
    this.setAside.push({ key: event.key, type: event.type, at: at() });
    // Not recorded while replaying: one count per event set aside (alert on any).
    metricMeter
      .createCounter('pathway_events_set_aside', undefined, 'Events whose publication failed for good')
      .add(1, { type: event.type });
    log.error('event set aside: its publication failed for good', { key: event.key, type: event.type });
  }

  /** What continues into the next run. */
  carried(): { outbox: OutboxEntry[]; undeliverable: UndeliverableEvent[] } {
    return { outbox: [...this.queue], undeliverable: [...this.setAside] };
  }
}
