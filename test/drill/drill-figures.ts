/**
 * What a drill delivered, read back from the servers themselves: every topic from the beginning (a fresh
 * consumer group per read) and Temporal's visibility store. Expected events come from each case's own
 * timeline (every seq and type); the agencies each one must reach come from the domain's `recipientsOf`,
 * folded over the case's events as the audit stream carries them in full.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import {
  ACCESS_LOG_TOPIC,
  ALL_TOPICS,
  AUDIT_TOPIC,
  PERSON_RECORD_CHANGED_TYPE,
  agencyTopic,
  type TimelineEntry,
} from '../../libs/contracts/src/index.js';
import {
  DENMARK_POLICIES,
  evolve,
  initialState,
  policyByVersion,
  recipientsOf,
  type PathwayEvent,
  type PathwayState,
  type Policy,
} from '../../libs/domain/src/index.js';

/** One copy of a pathway event on one topic, in the order the topic holds it. */
export interface Copy {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly id: string;
  readonly caseRef: string;
  readonly seq: number;
  readonly data: Record<string, unknown>;
}

const EVENT_ID = /^(PW-[0-9A-Z]+)\/e(\d{5})-([A-Za-z]+)$/;

export function eventIdOf(caseRef: string, entry: Pick<TimelineEntry, 'seq' | 'type'>): string {
  return `${caseRef}/e${String(entry.seq).padStart(5, '0')}-${entry.type}`;
}

/** What the topics hold: every pathway event copy, and the request ids of the access records. */
export interface TopicsRead {
  readonly copies: Copy[];
  readonly accessRequestIds: Set<string>;
  /** Cases whose person record change is announced on the audit topic (`person-record-changed`). */
  readonly personChanged: Set<string>;
}

/**
 * Every pathway event copy on every topic, from the beginning up to the end offsets seen at the start of the
 * read, and the request id of every access record. Reminders (no `e<seq>` id) are left out. Throws after
 * `timeoutMs`.
 */
export async function readAllCopies(brokers: string, timeoutMs: number): Promise<TopicsRead> {
  const kafka = new Kafka({
    clientId: `drill-reader-${randomUUID().slice(0, 8)}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = ALL_TOPICS.filter((t) => existing.has(t));
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
    }
  }
  await admin.disconnect();
  const copies: Copy[] = [];
  const accessRequestIds = new Set<string>();
  const personChanged = new Set<string>();
  if (ends.size === 0) return { copies, accessRequestIds, personChanged };
  const consumer = kafka.consumer({ groupId: `drill-reader-${randomUUID()}`, sessionTimeout: 10_000 });
  const remaining = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ topic, partition, message }) => {
          const where = `${topic}:${partition}`;
          const offset = BigInt(message.offset);
          const end = ends.get(where);
          if (end !== undefined && offset < end) {
            const value = message.value?.toString();
            if (topic === ACCESS_LOG_TOPIC) {
              const requestId = accessRequestIdOf(value);
              if (requestId !== undefined) accessRequestIds.add(requestId);
            } else {
              const copy = parseCopy(topic, partition, offset, value);
              if (copy) copies.push(copy);
              const changed = topic === AUDIT_TOPIC ? personChangeOf(value) : undefined;
              if (changed !== undefined) personChanged.add(changed);
            }
            if (offset + 1n >= end) {
              remaining.delete(where);
              if (remaining.size === 0) resolve();
            }
          }
          return Promise.resolve();
        },
      });
    });
    const timedOut = await Promise.race([done.then(() => false), delay(timeoutMs, true, { ref: false })]);
    if (timedOut) throw new Error(`reading the topics did not finish within ${timeoutMs / 1000} s`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  copies.sort((a, b) =>
    a.topic === b.topic
      ? a.partition - b.partition || Number(a.offset - b.offset)
      : a.topic.localeCompare(b.topic),
  );
  return { copies, accessRequestIds, personChanged };
}

/** The case of a `person-record-changed` event (undefined for any other message). */
function personChangeOf(value: string | undefined): string | undefined {
  try {
    const event = JSON.parse(value ?? '') as { type?: unknown; subject?: unknown };
    return event.type === PERSON_RECORD_CHANGED_TYPE && typeof event.subject === 'string'
      ? event.subject
      : undefined;
  } catch {
    return undefined;
  }
}

function accessRequestIdOf(value: string | undefined): string | undefined {
  try {
    const requestId = (JSON.parse(value ?? '') as { data?: { requestId?: unknown } }).data?.requestId;
    return typeof requestId === 'string' ? requestId : undefined;
  } catch {
    return undefined;
  }
}

function parseCopy(
  topic: string,
  partition: number,
  offset: bigint,
  value: string | undefined,
): Copy | undefined {
  if (value === undefined) return undefined;
  let event: { id?: unknown; data?: unknown };
  try {
    event = JSON.parse(value) as { id?: unknown; data?: unknown };
  } catch {
    return undefined;
  }
  if (typeof event.id !== 'string') return undefined;
  const match = EVENT_ID.exec(event.id);
  if (!match) return undefined;
  return {
    topic,
    partition,
    offset,
    id: event.id,
    caseRef: match[1]!,
    seq: Number(match[2]),
    data: (event.data ?? {}) as Record<string, unknown>,
  };
}

export interface EventFigures {
  /** (topic, event id) pairs that must exist. */
  expected: number;
  /** Expected pairs present at least once. */
  delivered: number;
  /** Pairs present more than once (one id, one topic). */
  twice: number;
  /** Expected pairs absent. */
  lost: number;
  /** Copies whose seq is lower than an earlier first copy's on the same topic and case. */
  outOfOrder: number;
  /** Agency copies the routing does not name, or of events not in the case's timeline. */
  unexpected: number;
  /**
   * Events whose agency recipients could not be computed (their audit copy or an earlier one of the case is
   * missing, so the case's state cannot be folded): only their audit copy is expected.
   */
  unroutable: number;
  /** A few of the lost pairs, `topic event-id`, for the report. */
  lostSamples: string[];
  outOfOrderSamples: string[];
  unexpectedSamples: string[];
}

/**
 * The figures for the cases `timelines` lists (case ref → its timeline). Audit must hold every event; each
 * agency topic the ones `recipientsOf` routes to it; per case and topic, first copies must come in seq order.
 */
export function eventFigures(
  timelines: ReadonlyMap<string, readonly TimelineEntry[]>,
  copies: readonly Copy[],
): EventFigures {
  const figures: EventFigures = {
    expected: 0,
    delivered: 0,
    twice: 0,
    lost: 0,
    outOfOrder: 0,
    unexpected: 0,
    unroutable: 0,
    lostSamples: [],
    outOfOrderSamples: [],
    unexpectedSamples: [],
  };
  const mine = copies.filter((c) => timelines.has(c.caseRef));
  const count = new Map<string, number>();
  for (const c of mine) count.set(`${c.topic} ${c.id}`, (count.get(`${c.topic} ${c.id}`) ?? 0) + 1);
  const auditById = new Map<string, Copy>();
  for (const c of mine) if (c.topic === AUDIT_TOPIC && !auditById.has(c.id)) auditById.set(c.id, c);

  const expectedPairs = new Set<string>();
  const unroutableIds = new Set<string>();
  for (const [caseRef, timeline] of timelines) {
    const entries = [...timeline].sort((a, b) => a.seq - b.seq);
    let state: PathwayState = initialState();
    let policy: Policy | undefined;
    let routable = true;
    for (const entry of entries) {
      const id = eventIdOf(caseRef, entry);
      expectedPairs.add(`${AUDIT_TOPIC} ${id}`);
      const audit = auditById.get(id);
      if (!routable || audit === undefined) {
        routable = false;
        unroutableIds.add(id);
        continue;
      }
      // The audit copy's data is the domain event in full plus its case ref.
      const event = Object.fromEntries(Object.entries(audit.data).filter(([field]) => field !== 'caseRef'));
      try {
        state = evolve(state, event as unknown as PathwayEvent);
        if (state.stage !== 'not-started') policy ??= policyByVersion(DENMARK_POLICIES, state.policyVersion);
        if (policy === undefined) throw new Error('no policy');
        for (const agency of recipientsOf(event as unknown as PathwayEvent, state, policy)) {
          expectedPairs.add(`${agencyTopic(agency)} ${id}`);
        }
      } catch {
        routable = false;
        unroutableIds.add(id);
      }
    }
  }
  figures.expected = expectedPairs.size;
  figures.unroutable = unroutableIds.size;
  for (const pair of expectedPairs) {
    const n = count.get(pair) ?? 0;
    if (n > 0) figures.delivered += 1;
    else {
      figures.lost += 1;
      if (figures.lostSamples.length < 12) figures.lostSamples.push(pair);
    }
  }
  for (const [pair, n] of count) {
    if (n > 1) figures.twice += 1;
    const [topic = '', id = ''] = pair.split(' ');
    const known = expectedPairs.has(pair);
    // An agency copy of an event whose routing is unknown (an audit copy lost) is only checked against audit.
    if (!known && !(topic !== AUDIT_TOPIC && unroutableIds.has(id))) {
      figures.unexpected += 1;
      if (figures.unexpectedSamples.length < 12) figures.unexpectedSamples.push(pair);
    }
  }
  // Per-case order on each topic (one case = one key = one partition): duplicates excepted.
  const lastSeq = new Map<string, number>();
  const seen = new Set<string>();
  for (const c of mine) {
    const pair = `${c.topic} ${c.id}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    const lane = `${c.topic} ${c.caseRef}`;
    const before = lastSeq.get(lane) ?? 0;
    if (c.seq < before) {
      figures.outOfOrder += 1;
      if (figures.outOfOrderSamples.length < 12) figures.outOfOrderSamples.push(`${pair} after e${before}`);
    } else lastSeq.set(lane, c.seq);
  }
  return figures;
}

export interface WorkflowFigures {
  /** Executions on the drill's task queue that ended Failed or Terminated (any workflow type). */
  failed: number;
  failedSamples: string[];
  /** Distinct pathway workflow ids on the task queue. */
  pathwayWorkflows: number;
  /** Pathway workflows beyond the cases the driver was given. */
  duplicateCases: number;
  /** Cases the driver was given that have no workflow. */
  missingCases: number;
}

/** Temporal visibility for one drill's task queue. */
export async function workflowFigures(
  temporalAddress: string,
  taskQueue: string,
  refs: readonly string[],
): Promise<WorkflowFigures> {
  const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 10_000 });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const failedSamples: string[] = [];
    let failed = 0;
    for await (const execution of client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND (ExecutionStatus = "Failed" OR ExecutionStatus = "Terminated")`,
    })) {
      failed += 1;
      if (failedSamples.length < 12)
        failedSamples.push(`${execution.workflowId} ${execution.type} ${execution.status.name}`);
    }
    const ids = new Set<string>();
    for await (const execution of client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND WorkflowType = "victimPathwayWorkflow"`,
    })) {
      ids.add(execution.workflowId);
    }
    const given = new Set(refs);
    return {
      failed,
      failedSamples,
      pathwayWorkflows: ids.size,
      duplicateCases: [...ids].filter((id) => !given.has(id)).length,
      missingCases: [...given].filter((ref) => !ids.has(ref)).length,
    };
  } finally {
    await connection.close();
  }
}
