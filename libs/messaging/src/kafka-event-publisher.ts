import type { Kafka, Producer } from 'kafkajs';
import type { CloudEvent } from '../../contracts/src/events.contract.js';
import type { EventPublisher } from './event-publisher.port.js';

/**
 * Idempotent producer with acks=all. Events are sent in structured CloudEvents mode (the whole envelope
 * is the JSON value); the `ce_*` headers repeat the routing attributes so consumers can filter without
 * parsing. Consumers drop duplicates by `id`: a retried activity re-sends with the same id.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async publish(
    deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>,
  ): Promise<void> {
    this.connected ??= this.producer.connect();
    await this.connected;
    const byTopic = new Map<string, CloudEvent[]>();
    for (const { topic, event } of deliveries) byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, events]) => ({
        topic,
        messages: events.map((event) => ({
          key: event.subject,
          value: JSON.stringify(event),
          headers: {
            'content-type': 'application/cloudevents+json; charset=UTF-8',
            ce_id: event.id,
            ce_type: event.type,
            ce_specversion: event.specversion,
          },
        })),
      })),
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}
