import type { CloudEvent } from '../../contracts/src/events.contract.js';

/** Port: publishes CloudEvents to topics. Implemented by kafkajs today; replaceable (kafkajs is unmaintained). */
export interface EventPublisher {
  /** Sends each event to every listed topic, keyed by its subject (the case ref) so a case stays ordered. */
  publish(deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_PUBLISHER = Symbol('EventPublisher');
