import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  agencyTopic,
  ALL_TOPICS,
  cloudEventSchema,
  EVENT_SOURCE,
  eventId,
  REMINDER_EVENT_TYPE,
  toCloudEvent,
  type CloudEvent,
} from '../../contracts/src/index.js';
import { caseRefFromRandom } from '../../domain/src/index.js';
import { repoRoot } from '../../../scripts/repo-root.js';
import {
  createAgencyInbox,
  type AgencyInbox,
  type InboxMessageMeta,
  type InvalidInboxMessage,
} from './agency-inbox.js';
import { createKafka, ensureTopics } from './kafka.js';
import { KafkaEventPublisher } from './kafka-event-publisher.js';

const PARTITIONS = 3; // ensureTopics' default

const newCaseRef = (): string => caseRefFromRandom(randomBytes(12));

/** An event as any agency reads it; the envelope is this module's contract, the data's shape is not. */
function interviewEvent(caseRef: string, seq: number): CloudEvent {
  const at = new Date(Date.UTC(2026, 11, 1, 10, seq)).toISOString();
  const key = `e${String(seq).padStart(5, '0')}-InterviewRecorded`;
  return cloudEventSchema.parse({
    specversion: '1.0',
    id: eventId(caseRef, key),
    source: EVENT_SOURCE,
    type: 'dk.pathway.interview-recorded.v1',
    subject: caseRef,
    time: at,
    datacontenttype: 'application/json',
    data: { caseRef, type: 'InterviewRecorded', at, by: 'ngo' },
  });
}

/** Polls until `predicate` holds; only the generous timeout fails the test, never a measured duration. */
async function waitUntil(predicate: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface SpawnedInbox {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
}

interface Received {
  readonly event: CloudEvent;
  readonly meta: InboxMessageMeta;
}

describe('agency inbox against a real Kafka broker', () => {
  const brokers = inject('kafkaBrokers');
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'agency-inbox-int-test' });
  const publisher = new KafkaEventPublisher(kafka);
  const run = randomUUID().slice(0, 8);
  const inboxes: AgencyInbox[] = [];
  let raw: Producer;

  const freshTopic = async (name: string): Promise<string> => {
    const topic = `pathway.inbox-test-${name}-${run}.v1`;
    await ensureTopics(kafka, [topic]);
    return topic;
  };
  const collect = (topic: string, groupId: string, handle?: (event: CloudEvent) => void) => {
    const received: Received[] = [];
    const invalid: InvalidInboxMessage[] = [];
    const duplicates: CloudEvent[] = [];
    const inbox = createAgencyInbox({
      kafka,
      topic,
      groupId,
      fromBeginning: true,
      onEvent: (event, meta) => {
        handle?.(event);
        received.push({ event, meta });
      },
      onInvalid: (message) => {
        invalid.push(message);
      },
      onDuplicate: (event) => duplicates.push(event),
    });
    inboxes.push(inbox);
    return { inbox, received, invalid, duplicates };
  };

  beforeAll(async () => {
    raw = kafka.producer({ allowAutoTopicCreation: false });
    await raw.connect();
  });
  afterAll(async () => {
    await Promise.allSettled(inboxes.map((inbox) => inbox.stop()));
    await raw?.disconnect();
    await publisher.close();
  });

  it('hands each distinct event once, in order per case, drops re-sent ids and reports a malformed message', async () => {
    const topic = await freshTopic('dedup');
    const cases = [newCaseRef(), newCaseRef(), newCaseRef()];
    const byCase = new Map(cases.map((c) => [c, [1, 2, 3].map((seq) => interviewEvent(c, seq))]));
    const all = [...byCase.values()].flat();
    const [a, b, c] = cases.map((ref) => byCase.get(ref)!);

    await publisher.publish(all.map((event) => ({ topic, event })));
    await raw.send({
      topic,
      messages: [{ key: cases[0]!, value: 'Jane Doe 1990-01-01 is not an event' }],
    });
    // A retried publish re-sends the same ids; within one batch too.
    await publisher.publish([a![1]!, b![0]!, c![2]!, c![2]!].map((event) => ({ topic, event })));

    const { inbox, received, invalid, duplicates } = collect(topic, `inbox-test-dedup-${run}`);
    await inbox.start();
    await waitUntil(
      () => received.length >= all.length && invalid.length >= 1 && duplicates.length >= 4,
      () =>
        `9 events, 1 malformed, 4 duplicates; got ${received.length}, ${invalid.length}, ${duplicates.length}`,
    );

    expect(received.map((r) => r.event.id).sort()).toEqual(all.map((e) => e.id).sort());
    for (const ref of cases) {
      expect(received.filter((r) => r.event.subject === ref).map((r) => r.event)).toEqual(byCase.get(ref));
    }
    expect(duplicates.map((e) => e.id).sort()).toEqual(
      [a![1]!, b![0]!, c![2]!, c![2]!].map((e) => e.id).sort(),
    );
    expect(invalid).toEqual([
      { topic, partition: expect.any(Number), offset: expect.any(String), reason: 'value is not JSON' },
    ]);
    expect(JSON.stringify(invalid)).not.toContain('Jane');
  });

  it('does not commit an event whose handler threw: kafkajs delivers it again, then the rest in order', async () => {
    const topic = await freshTopic('retry');
    const caseRef = newCaseRef();
    const events = [1, 2, 3].map((seq) => interviewEvent(caseRef, seq));
    let failures = 0;
    const { inbox, received } = collect(topic, `inbox-test-retry-${run}`, (event) => {
      if (event.id === events[1]!.id && failures === 0) {
        failures += 1;
        throw new Error('the agency store is down (test)');
      }
    });
    await publisher.publish(events.map((event) => ({ topic, event })));
    await inbox.start();
    await waitUntil(
      () => received.length >= events.length,
      () => `3 events handled; got ${received.map((r) => r.event.id).join(', ')}`,
    );

    expect(failures).toBe(1);
    expect(received.map((r) => r.event)).toEqual(events);
  });

  it('shares the partitions between two consumers of one group, each event handled by one of them', async () => {
    const topic = await freshTopic('group');
    // Case refs that land on every partition, so that both consumers have work whatever their assignment.
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    const cases: string[] = [];
    const covered = new Set<number>();
    while (covered.size < PARTITIONS || cases.length < 6) {
      const ref = newCaseRef();
      cases.push(ref);
      covered.add(partitionOf({ topic, partitionMetadata, message: { key: ref, value: null } }));
    }
    const events = cases.flatMap((ref) => [1, 2].map((seq) => interviewEvent(ref, seq)));

    const groupId = `inbox-test-group-${run}`;
    const first = collect(topic, groupId);
    const second = collect(topic, groupId);
    await first.inbox.start();
    await second.inbox.start();
    await publisher.publish(events.map((event) => ({ topic, event })));
    await waitUntil(
      () => first.received.length + second.received.length >= events.length,
      () => `${events.length} events; got ${first.received.length} + ${second.received.length}`,
    );

    const ids = [...first.received, ...second.received].map((r) => r.event.id);
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    expect(first.received.length).toBeGreaterThan(0);
    expect(second.received.length).toBeGreaterThan(0);
    const partitions = (rs: readonly Received[]) => new Set(rs.map((r) => r.meta.partition));
    const overlap = [...partitions(first.received)].filter((p) => partitions(second.received).has(p));
    expect(overlap).toEqual([]);
  });
});

describe('npm run inbox (scripts/inbox.ts)', () => {
  const brokers = inject('kafkaBrokers');
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'inbox-cli-int-test' });
  const publisher = new KafkaEventPublisher(kafka);
  const children: SpawnedInbox[] = [];

  function spawnInbox(args: readonly string[]): SpawnedInbox {
    const child = spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), ['scripts/inbox.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, KAFKA_BROKERS: '', KAFKA_PORT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        resolve(code);
      });
    });
    const handle = { child, output, exited };
    children.push(handle);
    return handle;
  }

  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    await publisher.close();
  });

  async function groupIds(): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.listGroups()).groups.map((g) => g.groupId);
    } finally {
      await admin.disconnect();
    }
  }

  it('prints a published reminder as one readable line, and exits 0 on SIGTERM', async () => {
    await ensureTopics(kafka, ALL_TOPICS);
    const caseRef = newCaseRef();
    const reminder = toCloudEvent({
      caseRef,
      key: 'reminder/permit-expiry:1/reminder-30d',
      type: REMINDER_EVENT_TYPE,
      time: '2026-12-01T00:00:00.000Z',
      recipients: ['iom'],
      data: {
        caseRef,
        deadlineId: 'permit-expiry:1',
        deadlineKind: 'permit-expiry',
        rule: 'R12',
        dueAt: '2026-12-31T00:00:00.000Z',
        daysBefore: 30,
        responsible: 'police',
        summary: 'permit term 1 ends',
      },
    });
    await publisher.publish([{ topic: agencyTopic('iom'), event: reminder }]);

    const inbox = spawnInbox(['--agency', 'iom', '--from-beginning', '--brokers', brokers]);
    const mine = () => inbox.output.stdout.split('\n').filter((line) => line.includes(caseRef));
    await waitUntil(
      () => mine().length > 0 || inbox.child.exitCode !== null,
      () => `a line for ${caseRef}; stderr so far: ${inbox.output.stderr}`,
    );
    expect(mine()).toEqual([
      `2026-12-01T00:00:00.000Z  deadline-reminder  ${caseRef}  permit-expiry due 2026-12-31T00:00:00.000Z ` +
        '(in 30 days), responsible police: permit term 1 ends',
    ]);
    expect(inbox.output.stderr).toContain(
      `reading ${agencyTopic('iom')} from ${brokers} as group inbox-iom-`,
    );
    // It says when it has read what was there, and leaves no consumer group behind.
    await waitUntil(
      () => inbox.output.stderr.includes('caught up ('),
      () => `"caught up"; stderr so far: ${inbox.output.stderr}`,
    );
    const group = /as group (inbox-iom-[0-9a-f]+),/.exec(inbox.output.stderr)?.[1] ?? '';
    inbox.child.kill('SIGTERM');
    expect(await inbox.exited).toBe(0);
    expect(inbox.output.stderr).toContain(`removed consumer group ${group}`);
    expect(await groupIds()).not.toContain(group);
  });

  it('prints raw CloudEvents JSON with --json under a named group', async () => {
    const caseRef = newCaseRef();
    const event = interviewEvent(caseRef, 1);
    await publisher.publish([{ topic: agencyTopic('iom'), event }]);
    const group = `inbox-cli-test-${randomUUID().slice(0, 8)}`;
    const inbox = spawnInbox([
      '--agency',
      'iom',
      '--from-beginning',
      '--json',
      '--group',
      group,
      '--brokers',
      brokers,
    ]);
    const mine = () => inbox.output.stdout.split('\n').filter((line) => line.includes(caseRef));
    await waitUntil(
      () => mine().length > 0 || inbox.child.exitCode !== null,
      () => `a JSON line for ${caseRef}; stderr so far: ${inbox.output.stderr}`,
    );
    expect(mine().map((line) => JSON.parse(line) as unknown)).toEqual([event]);
    expect(inbox.output.stderr).toContain(`as group ${group},`);
    inbox.child.kill('SIGINT');
    expect(await inbox.exited).toBe(0);
    // A named group is kept, with its offsets, for the next run.
    expect(await groupIds()).toContain(group);
  });

  it('refuses an unknown agency or option with the valid ones, exit 2', async () => {
    const badAgency = spawnInbox(['--agency', 'nobody']);
    expect(await badAgency.exited).toBe(2);
    expect(badAgency.output.stderr).toContain('unknown agency "nobody" (one of: cmm, police,');
    expect(badAgency.output.stderr).toContain('iom');

    const badOption = spawnInbox(['--agency', 'iom', '--follow']);
    expect(await badOption.exited).toBe(2);
    expect(badOption.output.stderr).toContain('unknown option --follow (valid: --agency, --from-beginning,');
  });

  it('says in one line that Kafka is unreachable, naming the brokers and KAFKA_BROKERS, exit 1', async () => {
    const inbox = spawnInbox(['--agency', 'iom', '--brokers', '127.0.0.1:1']);
    expect(await inbox.exited).toBe(1);
    const lines = inbox.output.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^inbox: cannot reach Kafka at 127\.0\.0\.1:1 .*KAFKA_BROKERS/);
    expect(inbox.output.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(inbox.output.stdout).toBe('');
  });
});
