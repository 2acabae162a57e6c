import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { CloudEvent } from '../../libs/contracts/src/index.js';

export interface ReadMessage {
  readonly topic: string;
  readonly key: string | undefined;
  readonly headers: Record<string, string>;
  readonly event: CloudEvent;
}

/** A real consumer group reading topics from the beginning, as an agency's consumer would. */
export class KafkaReader {
  readonly messages: ReadMessage[] = [];
  private consumer: Consumer | undefined;

  constructor(private readonly kafka: Kafka) {}

  async start(topics: readonly string[]): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: `test-reader-${randomUUID()}`, sessionTimeout: 10_000 });
    await this.consumer.connect();
    // On a fresh broker the gateway's topics can be a moment from every broker's metadata: retry a while.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.subscribe({ topics: [...topics], fromBeginning: true });
        break;
      } catch (error) {
        const retriable = (error as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await this.consumer.run({
      eachMessage: ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = value.toString();
        }
        this.messages.push({
          topic,
          key: message.key?.toString(),
          headers,
          event: JSON.parse(message.value?.toString() ?? 'null') as CloudEvent,
        });
        return Promise.resolve();
      },
    });
  }

  /** Waits until `predicate` holds over the messages read so far. */
  async waitFor(
    predicate: (messages: readonly ReadMessage[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<ReadMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms; read ${this.messages.length} messages: ${this.messages.map((m) => `${m.topic}:${m.event.type}`).join(', ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return [...this.messages];
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
