/**
 * An agency inbox: the small consumer another agency can embed to read its topic (`pathway.<agency>.v1`).
 *
 * Delivery is at-least-once with duplicate suppression within a window:
 * - every message is parsed as a CloudEvent; a malformed one is reported to `onInvalid` (by position and
 *   reason only, never its content) and skipped;
 * - an event whose CloudEvents `id` was handled recently is dropped. Ids are deterministic (a retried publish
 *   re-sends the same id), so this removes the duplicates that retries produce. The window is a bounded
 *   in-memory set of the most recently handled ids (`dedup.capacity`, default 10 000), so it is empty after
 *   a restart and forgets ids older than the window;
 * - the offset is committed only after `onEvent` resolves. A handler that throws leaves it uncommitted and
 *   kafkajs delivers the message again (after a restart too), so the handler may see an event twice.
 *
 * For exactly-once effects, make the handler idempotent in its own store: record the event `id` in the same
 * transaction as the effect (e.g. a `processed_events(id primary key)` table) and skip ids already recorded.
 * The in-memory window then only saves work; the store is what guarantees the effect happens once.
 *
 * Events of one case arrive in order: they are keyed by case ref, so they share a partition, and a
 * partition is handled one message at a time.
 */
import type { Consumer, Kafka } from 'kafkajs';
import {
  cloudEventSchema,
  REMINDER_EVENT_TYPE,
  reminderDataSchema,
  type CloudEvent,
} from '../../contracts/src/index.js';
import { agencyTopic, type AgencyId } from '../../contracts/src/index.js';
import { kebab } from '../../contracts/src/index.js';

export const DEFAULT_DEDUP_CAPACITY = 10_000;

/** Where an event was read, for logging and for a handler that needs to keep a long task alive. */
export interface InboxMessageMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp of the message (ms since the epoch, as a string, as kafkajs gives it). */
  readonly timestamp: string;
  /** Call during long work so the group does not consider this consumer dead. */
  readonly heartbeat: () => Promise<void>;
}

/** A message that is not a CloudEvent of ours. It carries its position and why, never its content. */
export interface InvalidInboxMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

export type AgencyInboxOptions = ({ readonly agency: AgencyId } | { readonly topic: string }) & {
  /** Create it with `createKafka` (quiet logging; `{ silent: true }` for none). */
  readonly kafka: Kafka;
  /**
   * The consumer group: consumers sharing it split the topic's partitions between them and resume from its
   * committed offsets. A human tail should use a group of its own, or it takes partitions from the real one.
   */
  readonly groupId: string;
  /** Where a group without committed offsets starts: the oldest retained message, or only new ones (default). */
  readonly fromBeginning?: boolean;
  /** `false` hands every delivery to the handler. */
  readonly dedup?: { readonly capacity?: number } | false;
  /** Called once per distinct event; the offset is committed after it resolves. */
  readonly onEvent: (event: CloudEvent, meta: InboxMessageMeta) => void | Promise<void>;
  /** Default: skip the message. */
  readonly onInvalid?: (invalid: InvalidInboxMessage) => void | Promise<void>;
  /** A duplicate was dropped (for metrics; default: nothing). */
  readonly onDuplicate?: (event: CloudEvent, meta: InboxMessageMeta) => void;
  /**
   * The consumer failed beyond kafkajs's retries (e.g. the brokers went away). With `restarting`, kafkajs
   * rejoins by itself from the committed offsets; otherwise the inbox has stopped.
   */
  readonly onCrash?: (error: Error, restarting: boolean) => void;
};

export interface AgencyInbox {
  readonly topic: string;
  readonly groupId: string;
  /** Connects and subscribes; resolves once the consumer has joined its group and holds its partitions. */
  start(): Promise<void>;
  /** Leaves the group and disconnects; committed offsets stay for the next start. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The ids of the most recently handled events, at most `capacity` of them. A hit refreshes the id, so an
 * id that keeps being re-sent stays in the window (least recently seen goes first).
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number = DEFAULT_DEDUP_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`dedup capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.ids.size;
  }

  /** Whether `id` is in the window; a hit makes it the most recent. */
  has(id: string): boolean {
    if (!this.ids.delete(id)) return false;
    this.ids.add(id);
    return true;
  }

  /** Records `id` as the most recent, evicting the least recent beyond the capacity. */
  remember(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done === true) break;
      this.ids.delete(oldest.value);
    }
  }
}

/** Parses a message value; the reason never quotes the value (a JSON error would echo part of it). */
export function parseInboxMessage(
  value: Buffer | null,
): { readonly ok: true; readonly event: CloudEvent } | { readonly ok: false; readonly reason: string } {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  const parsed = cloudEventSchema.safeParse(json);
  if (parsed.success) return { ok: true, event: parsed.data };
  // zod's messages name the expected shape and the path, not the received values.
  const issues = parsed.error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = parsed.error.issues.length > 3 ? ` (+${parsed.error.issues.length - 3} more)` : '';
  return { ok: false, reason: `not a CloudEvent: ${issues.join('; ')}${more}` };
}

/** `dk.pathway.deadline-reminder.v1` → `deadline-reminder`. */
export function shortEventType(type: string): string {
  return /^dk\.pathway\.(.+)\.v\d+$/.exec(type)?.[1] ?? type;
}

function renderValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One readable line: time, short type, case ref, then what happened. A reminder reads
 * `permit-expiry due 2027-03-01T00:00:00.000Z (in 30 days), responsible police: <summary>`; any other event
 * lists its data fields as `name=value` (without the case ref, its domain type name and `at` when it equals
 * the event time, which the line already shows). Event data holds no personal data by contract.
 */
export function formatEvent(event: CloudEvent): string {
  const head = `${event.time}  ${shortEventType(event.type)}  ${event.subject}`;
  if (event.type === REMINDER_EVENT_TYPE) {
    const reminder = reminderDataSchema.safeParse(event.data);
    if (reminder.success) {
      const { deadlineKind, dueAt, daysBefore, responsible, summary } = reminder.data;
      const when = daysBefore === 0 ? 'today' : daysBefore === 1 ? 'in 1 day' : `in ${daysBefore} days`;
      const tail = summary === '' ? '' : `: ${summary}`;
      return `${head}  ${deadlineKind} due ${dueAt} (${when}), responsible ${responsible}${tail}`;
    }
  }
  const fields = Object.entries(event.data)
    .filter(([name, value]) => {
      if (name === 'caseRef') return false;
      if (name === 'type' && typeof value === 'string' && kebab(value) === shortEventType(event.type))
        return false;
      return !(name === 'at' && value === event.time);
    })
    .map(([name, value]) => `${name}=${renderValue(value)}`);
  return fields.length === 0 ? head : `${head}  ${fields.join(' ')}`;
}

/** Builds an inbox; nothing connects until `start()`. */
export function createAgencyInbox(options: AgencyInboxOptions): AgencyInbox {
  const topic = 'agency' in options ? agencyTopic(options.agency) : options.topic;
  const { kafka, groupId, onEvent, onInvalid, onDuplicate, onCrash } = options;
  const seen =
    options.dedup === false ? undefined : new RecentIds(options.dedup?.capacity ?? DEFAULT_DEDUP_CAPACITY);
  let consumer: Consumer | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    if (consumer) throw new Error(`the inbox for ${topic} is already started`);
    const current = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    consumer = current;
    stopping = undefined;
    const joined = new Promise<void>((resolve, reject) => {
      const offJoin = current.on(current.events.GROUP_JOIN, () => {
        offJoin();
        resolve();
      });
      current.on(current.events.CRASH, ({ payload }) => {
        onCrash?.(payload.error, payload.restart);
        if (!payload.restart) reject(payload.error);
      });
    });
    // Not awaited yet: a crash before `run()` returns must not be an unhandled rejection.
    joined.catch(() => undefined);
    try {
      await current.connect();
      await current.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? false });
      await current.run({
        autoCommit: true,
        eachMessage: async (payload) => {
          const { topic: from, partition, message } = payload;
          const parsed = parseInboxMessage(message.value);
          if (!parsed.ok) {
            await onInvalid?.({ topic: from, partition, offset: message.offset, reason: parsed.reason });
            return;
          }
          const meta: InboxMessageMeta = {
            topic: from,
            partition,
            offset: message.offset,
            timestamp: message.timestamp,
            heartbeat: () => payload.heartbeat(),
          };
          if (seen?.has(parsed.event.id) === true) {
            onDuplicate?.(parsed.event, meta);
            return;
          }
          await onEvent(parsed.event, meta);
          // Only once handled: a handler that threw must see the redelivery, not have it dropped.
          seen?.remember(parsed.event.id);
        },
      });
      await joined;
    } catch (error) {
      await stop();
      throw error;
    }
  };

  const stop = (): Promise<void> => {
    const current = consumer;
    if (!current) return Promise.resolve();
    stopping ??= current.disconnect().finally(() => {
      if (consumer === current) consumer = undefined;
    });
    return stopping;
  };

  return { topic, groupId, start, stop };
}
