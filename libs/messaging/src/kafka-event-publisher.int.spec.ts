import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  agencyTopic,
  AUDIT_TOPIC,
  ALL_TOPICS,
  toCloudEvent,
  type CloudEvent,
} from '../../contracts/src/index.js';
import { caseRefFromRandom, instant } from '../../domain/src/index.js';
import { freePort } from '../../../test/support/servers.js';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { KafkaReader } from '../../../test/support/kafka-reader.js';
import { createKafka, ensureTopics, isKafkaReachable } from './kafka.js';
import { KafkaEventPublisher } from './kafka-event-publisher.js';

/** An InterviewRecorded event of `caseRef`, as the workflow would publish it. */
const interviewRecorded = (caseRef: string, key: string): CloudEvent =>
  toCloudEvent({
    caseRef,
    key,
    type: 'dk.pathway.interview-recorded.v1',
    time: '2026-12-01T10:00:00.000Z',
    data: { caseRef, type: 'InterviewRecorded', at: instant('2026-12-01T10:00:00.000Z'), by: 'ngo' },
    recipients: ['cmm'],
  });

describe('KafkaEventPublisher against a real Kafka broker', () => {
  const kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'publisher-int-test' });
  const publisher = new KafkaEventPublisher(kafka);
  const reader = new KafkaReader(kafka);

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS);
    await reader.start([agencyTopic('cmm'), AUDIT_TOPIC]);
  });
  afterAll(async () => {
    await reader.stop();
    await publisher.close();
  });

  it('creates every topic idempotently and reports the broker reachable', async () => {
    await ensureTopics(kafka, ALL_TOPICS);
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([...ALL_TOPICS]));
    expect(await isKafkaReachable(kafka)).toBe(true);
  });

  it('publishes a structured CloudEvent keyed by case ref, with ce_ headers, to each topic', async () => {
    const caseRef = caseRefFromRandom(randomBytes(12)); // fresh per run: the reader reads from the beginning
    const event = toCloudEvent({
      caseRef,
      key: 'e00001-InterviewRecorded',
      type: 'dk.pathway.interview-recorded.v1',
      time: '2026-12-01T10:00:00.000Z',
      data: { caseRef, type: 'InterviewRecorded', at: instant('2026-12-01T10:00:00.000Z'), by: 'ngo' },
      recipients: ['cmm'],
    });
    await publisher.publish([
      { topic: agencyTopic('cmm'), event },
      { topic: AUDIT_TOPIC, event },
    ]);
    const read = await reader.waitFor((m) => m.filter((x) => x.event.subject === caseRef).length === 2);
    const mine = read.filter((m) => m.event.subject === caseRef);
    expect(mine.map((m) => m.topic).sort()).toEqual([AUDIT_TOPIC, agencyTopic('cmm')].sort());
    for (const message of mine) {
      expect(message.key).toBe(caseRef);
      expect(message.event).toEqual(event);
      expect(message.headers).toMatchObject({ ce_id: event.id, ce_type: event.type, ce_specversion: '1.0' });
    }
  });

  it('a request the broker refuses in part does not make the next event vanish (kafkajs#1005)', async () => {
    // Given a topic that takes only small messages, beside one that takes anything
    const small = `publisher-int-small-${Date.now().toString(36)}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: small, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2048' }] },
      ],
    });
    await admin.disconnect();
    const caseRef = caseRefFromRandom(randomBytes(12));
    const event = (key: string, padding = ''): CloudEvent => ({
      ...interviewRecorded(caseRef, key),
      ...(padding ? { padding } : {}),
    });
    // When one request writes the first event to CMM's topic but the broker refuses its copy on the small
    // topic (the same shape as a request cut by a broker restart after some partitions were written)…
    await expect(
      publisher.publish([
        { topic: agencyTopic('cmm'), event: event('e00001-InterviewRecorded') },
        { topic: small, event: event('e00001-InterviewRecorded', 'x'.repeat(4096)) },
      ]),
    ).rejects.toThrow();
    // …and the next event goes to CMM's topic alone
    await publisher.publish([{ topic: agencyTopic('cmm'), event: event('e00002-InterviewRecorded') }]);
    // Then both events are on CMM's topic: kafkajs's idempotent producer would reuse the first one's
    // sequence number for the second, and the broker would acknowledge the second and drop it as a duplicate.
    const read = await reader.waitFor(
      (m) => m.some((x) => x.event.id === `${caseRef}/e00002-InterviewRecorded`),
      15_000,
    );
    expect(read.filter((m) => m.event.subject === caseRef).map((m) => m.event.id)).toEqual(
      expect.arrayContaining([`${caseRef}/e00001-InterviewRecorded`, `${caseRef}/e00002-InterviewRecorded`]),
    );
  });

  it('recovers by itself when the broker was unreachable at its first send', async () => {
    // Given a publisher whose only way to the broker is down when it first sends
    const [host = '127.0.0.1', port = '9092'] = (inject('kafkaBrokers').split(',')[0] ?? '').split(':');
    const path = new TcpProxy(await freePort(), { host, port: Number(port) });
    const late = new KafkaEventPublisher(
      createKafka({ brokers: [path.address], clientId: 'publisher-int-late' }, { silent: true }),
    );
    const caseRef = caseRefFromRandom(randomBytes(12));
    const event = (key: string): CloudEvent => interviewRecorded(caseRef, key);
    try {
      await expect(
        late.publish([{ topic: agencyTopic('cmm'), event: event('e00001-InterviewRecorded') }]),
      ).rejects.toThrow();
      // When the broker can be reached again
      await path.up();
      // Then the next publish connects and is delivered, without restarting the process
      await late.publish([{ topic: agencyTopic('cmm'), event: event('e00001-InterviewRecorded') }]);
      await reader.waitFor(
        (m) => m.some((x) => x.event.id === `${caseRef}/e00001-InterviewRecorded`),
        15_000,
      );
    } finally {
      await late.close();
      await path.down();
    }
  });

  it('reports an unreachable broker as not reachable instead of hanging', async () => {
    const nowhere = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'nowhere' }, { silent: true });
    expect(await isKafkaReachable(nowhere)).toBe(false);
  });
});
