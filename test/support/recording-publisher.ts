import type { CloudEvent } from '../../libs/contracts/src/index.js';
import type { EventPublisher } from '../../libs/messaging/src/index.js';

/**
 * An in-memory EventPublisher for workflow tests on the time-skipping server, where the subject under
 * test is the workflow's timing, not the broker. Tiers that test delivery use the real Kafka.
 */
export class RecordingPublisher implements EventPublisher {
  readonly deliveries: Array<{ topic: string; event: CloudEvent }> = [];

  publish(deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>): Promise<void> {
    this.deliveries.push(...deliveries);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Distinct events in publication order (each is delivered to several topics). */
  events(): CloudEvent[] {
    const seen = new Set<string>();
    return this.deliveries
      .filter(({ event }) => !seen.has(event.id) && seen.add(event.id))
      .map(({ event }) => event);
  }
}
