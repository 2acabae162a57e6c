/** A CloudEvents 1.0 envelope, as any topic of ours carries it (pathway events, reminders, access records). */
export interface PublishedEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  /** The case ref, when the event is about one case (also the Kafka key). */
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Readonly<Record<string, unknown>>;
  /** CloudEvents distributed-tracing extension: set by the publisher, from the span of the send. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface Delivery {
  readonly topic: string;
  readonly event: PublishedEvent;
  /** The Kafka key when the event has no subject (default: the subject). */
  readonly key?: string;
}

/** Port: publishes CloudEvents to topics. Implemented by kafkajs today; replaceable (kafkajs is unmaintained). */
export interface EventPublisher {
  /**
   * Sends each event to its topic, keyed by its subject (the case ref) so a case stays ordered. Resolves
   * only when the broker holds every copy; rejects otherwise (then some copies may be there: a retry may
   * deliver one twice, under the same id).
   */
  publish(deliveries: ReadonlyArray<Delivery>): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_PUBLISHER = Symbol('EventPublisher');
