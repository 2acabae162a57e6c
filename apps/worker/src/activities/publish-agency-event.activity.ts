import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import {
  AUDIT_TOPIC,
  agencyTopic,
  toCloudEventFor,
  type AgencyEventRequest,
  type CloudEvent,
  type EventAudience,
  type PathwayActivities,
  type PublishedBatch,
} from '../../../../libs/contracts/src/index.js';
import type { EventPublisher } from '../../../../libs/messaging/src/index.js';

export interface ActivityDeps {
  readonly publisher: EventPublisher;
  /**
   * Tells Temporal the attempt is alive (`Context.current().heartbeat()` in the worker): a worker killed
   * mid-publish is noticed after the heartbeat timeout, not the 30 s start-to-close. Absent in unit tests.
   */
  readonly heartbeat?: () => void;
  /** Where publish latency and failures are counted (the Temporal runtime's meter in the worker). */
  readonly meter?: MetricMeter;
}

/** Well inside the workflow's heartbeat timeout (10 s); the SDK throttles what reaches the server. */
const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Awaits `work`, heartbeating while it waits (a broker outage can hold a publish for a while). The first
 * heartbeat is sent after one interval, not at once: the server's heartbeat timeout runs from the attempt's
 * start, so a worker killed before it is noticed as soon; and a publish that is done within the interval (nearly
 * every one) sends none — a heartbeat at once was a call to the server, and a write there, at the moment the
 * act's events go out (issue 14: about 2.5 ms of the act's time to its consumer).
 */
async function beating<T>(heartbeat: (() => void) | undefined, work: Promise<T>): Promise<T> {
  if (heartbeat === undefined) return work;
  const timer = setInterval(heartbeat, HEARTBEAT_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Builds the activities with their dependencies (house style: `createActivities(deps)`). A malformed
 * event cannot be fixed by retrying, so it fails as a named non-retryable error; broker trouble is
 * retried by Temporal, and the deterministic event id makes a resend harmless.
 */
export function createActivities(deps: ActivityDeps): PathwayActivities {
  const latency = deps.meter?.createHistogram(
    'pathway_publish_duration',
    'float',
    'seconds',
    'Time to publish one event to all its topics (broker acknowledged every copy), by outcome',
  );
  const failures = deps.meter?.createCounter(
    'pathway_publish_failures',
    undefined,
    'Publish attempts that failed (retried while the broker is away; `invalid` ones are set aside)',
  );
  const publish = async (deliveries: readonly Delivery[]): Promise<void> => {
    const started = performance.now();
    try {
      await beating(deps.heartbeat, deps.publisher.publish(deliveries));
    } catch (error) {
      failures?.add(1, { reason: 'broker' });
      latency?.record((performance.now() - started) / 1000, { outcome: 'failed' });
      throw error;
    }
    latency?.record((performance.now() - started) / 1000, { outcome: 'published' });
  };
  return {
    async publishAgencyEvent(request: AgencyEventRequest): Promise<void> {
      let deliveries: Delivery[];
      try {
        deliveries = deliveriesOf(request);
      } catch (error) {
        failures?.add(1, { reason: 'invalid' });
        throw ApplicationFailure.nonRetryable(
          `event ${request.type} for step ${request.key} does not match its contract: ${describeIssues(error)}`,
          'InvalidEventError',
        );
      }
      await publish(deliveries);
    },

    async publishAgencyEvents(requests: readonly AgencyEventRequest[]): Promise<PublishedBatch> {
      const deliveries: Delivery[] = [];
      const refused: Array<{ key: string; type: string; reason: string }> = [];
      for (const request of requests) {
        try {
          deliveries.push(...deliveriesOf(request));
        } catch (error) {
          failures?.add(1, { reason: 'invalid' });
          refused.push({ key: request.key, type: request.type, reason: describeIssues(error) });
        }
      }
      // One send for the act's events, every copy, in order (one case's events share a partition per topic).
      if (deliveries.length > 0) await publish(deliveries);
      return { refused };
    },
  };
}

type Delivery = { readonly topic: string; readonly event: CloudEvent };

/** Each topic gets the event minimised for its readers, under the same deterministic id (throws if invalid). */
function deliveriesOf(request: AgencyEventRequest): Delivery[] {
  const audiences: EventAudience[] = [...new Set(request.recipients), 'audit'];
  return audiences.map((audience) => ({
    topic: audience === 'audit' ? AUDIT_TOPIC : agencyTopic(audience),
    event: toCloudEventFor(request, audience),
  }));
}

/** Names the failing fields without echoing their values (they could hold personal data). */
function describeIssues(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'issues' in error && Array.isArray(error.issues)) {
    return (error.issues as Array<{ path?: unknown[]; message?: string }>)
      .map((i) => `${(i.path ?? []).map(String).join('.') || '(root)'}: ${i.message ?? 'invalid'}`)
      .join('; ');
  }
  return 'invalid';
}
