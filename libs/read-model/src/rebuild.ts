import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { AUDIT_TOPIC } from '../../contracts/src/index.js';
import type { ReadModelStore } from './read-model-store.js';

export interface RebuildFigures {
  readonly messages: number;
  readonly applied: number;
  readonly seconds: number;
}

/**
 * Rebuilds the read model from the beginning of the audit topic (`npm run read-model -- rebuild`): empties it,
 * then reads every message up to the topic's end at the start with a consumer group of its own, applying
 * each. The gateways' projection may go on meanwhile: the store is idempotent and orders each case by its
 * events' numbers, so both converge on the same rows; listings are incomplete until the rebuild ends.
 */
export async function rebuildReadModel(
  kafka: Kafka,
  store: ReadModelStore,
  options: { readonly timeoutMs?: number; readonly log?: (line: string) => void } = {},
): Promise<RebuildFigures> {
  const started = performance.now();
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(AUDIT_TOPIC)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  await store.clear();
  let messages = 0;
  let applied = 0;
  if (ends.size > 0) {
    const consumer = kafka.consumer({ groupId: `read-model-rebuild-${randomUUID()}` });
    const remaining = new Set(ends.keys());
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [AUDIT_TOPIC], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error('the rebuild did not reach the end of the audit topic in time'));
        }, options.timeoutMs ?? 600_000);
        void consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const end = ends.get(partition);
              const offset = BigInt(message.offset);
              if (end === undefined || offset >= end) return;
              messages += 1;
              const event = parse(message.value?.toString());
              if (event !== undefined) {
                const kind = await store.apply(event);
                if (kind === 'case' || kind === 'access') applied += 1;
              }
              if (offset + 1n >= end) {
                remaining.delete(partition);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              }
              if (messages % 10_000 === 0) options.log?.(`read model rebuild: ${messages} messages`);
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
  return { messages, applied, seconds: (performance.now() - started) / 1000 };
}

function parse(value: string | undefined): { id: string; type: string; data: unknown } | undefined {
  try {
    const event = JSON.parse(value ?? '') as { id?: unknown; type?: unknown; data?: unknown };
    return typeof event.id === 'string' && typeof event.type === 'string'
      ? { id: event.id, type: event.type, data: event.data }
      : undefined;
  } catch {
    return undefined;
  }
}
