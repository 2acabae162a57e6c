import type { Kafka, Producer } from 'kafkajs';
import { traceparentOf } from '../../contracts/src/index.js';
import { SpanKind, inSpan } from '../../observability/src/index.js';
import type { Delivery, EventPublisher } from './event-publisher.port.js';

/**
 * Producer with acks=all and one request in flight per broker connection (per-case order), without kafkajs
 * idempotence: kafkajs 2.2.4 rolls back the sequence numbers of every partition of a failed request, including
 * partitions the broker had written, and the broker then acknowledges-and-drops the next send as a duplicate
 * (tulios/kafkajs#1005; an event was lost in a Kafka-restart drill). Every event has a deterministic id, so
 * the duplicates a retry can make are dropped by consumers instead (ADR 0006). Events are sent in structured CloudEvents mode (the whole envelope
 * is the JSON value); the `ce_*` headers repeat the routing attributes so consumers can filter without
 * parsing. Consumers drop duplicates by `id`: a retried activity re-sends with the same id.
 *
 * Each publish is one producer span (a child of the active one: the publishing activity's, the act's trace),
 * and every event carries that span as its `traceparent` (the CloudEvents distributed-tracing extension, and
 * the `traceparent` header) so a consumer continues the trace.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async publish(deliveries: ReadonlyArray<Delivery>): Promise<void> {
    await this.connect();
    const byTopic = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      byTopic.set(delivery.topic, [...(byTopic.get(delivery.topic) ?? []), delivery]);
    }
    const topics = [...byTopic.keys()];
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.batch.message_count': deliveries.length,
      'messaging.destination.name': topics.join(','),
      ...(deliveries[0] ? { 'messaging.message.id': deliveries[0].event.id } : {}),
    };
    await inSpan(`send ${topics.join(',')}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
      const traceparent = traceparentOf(span.spanContext());
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, events]) => ({
          topic,
          messages: events.map(({ event, key }) => ({
            key: event.subject ?? key ?? null,
            value: JSON.stringify(traceparent ? { ...event, traceparent } : event),
            headers: {
              'content-type': 'application/cloudevents+json; charset=UTF-8',
              ce_id: event.id,
              ce_type: event.type,
              ce_specversion: event.specversion,
              ...(traceparent ? { traceparent } : {}),
            },
          })),
        })),
      });
    });
  }

  /** A failed connect is forgotten, so the next publish tries again (Kafka down when the process started). */
  private async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}
