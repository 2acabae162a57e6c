import { ApplicationFailure } from '@temporalio/common';
import { ACCESS_CHANGED_TYPE, type CloudEvent } from '../../libs/contracts/src/index.js';
import type { EventPublisher } from '../../libs/messaging/src/index.js';
import { assertMatchesAsyncApi } from './asyncapi-validator.js';

/**
 * An in-memory EventPublisher for workflow tests on the time-skipping server, where the subject under
 * test is the workflow's timing, not the broker. Tiers that test delivery use the real Kafka.
 *
 * Every delivery is checked against the committed AsyncAPI document (`assertMatchesAsyncApi`): the paths the
 * workflow tests drive publish every event type, so a payload or a minimisation that drifts from the
 * document fails them. A mismatch throws (as a non-retryable activity failure: a retry would only repeat
 * it) and is kept in `mismatches`; since the workflow sets such an event aside and goes on, `events()`
 * throws as well, so the test reading the events fails with the reason rather than a missing event.
 */
export class RecordingPublisher implements EventPublisher {
  readonly deliveries: Array<{ topic: string; event: CloudEvent }> = [];
  /** Why deliveries were refused (paths and rules only, never values). */
  readonly mismatches: string[] = [];

  publish(deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>): Promise<void> {
    try {
      for (const { topic, event } of deliveries) assertMatchesAsyncApi(topic, event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.mismatches.push(reason);
      return Promise.reject(ApplicationFailure.nonRetryable(reason, 'AsyncApiMismatch'));
    }
    this.deliveries.push(...deliveries);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Distinct events in publication order (each is delivered to several topics): the case's facts and
   * reminders; the access changes (the read model's scope) are `accessChanges()`.
   */
  events(): CloudEvent[] {
    return this.all().filter((event) => event.type !== ACCESS_CHANGED_TYPE);
  }

  /** The `access-changed` events, in publication order. */
  accessChanges(): CloudEvent[] {
    return this.all().filter((event) => event.type === ACCESS_CHANGED_TYPE);
  }

  private all(): CloudEvent[] {
    if (this.mismatches.length > 0) {
      throw new Error(
        `events that do not match docs/asyncapi.yaml were published:\n${this.mismatches.join('\n')}`,
      );
    }
    const seen = new Set<string>();
    return this.deliveries
      .filter(({ event }) => !seen.has(event.id) && seen.add(event.id))
      .map(({ event }) => event);
  }
}
