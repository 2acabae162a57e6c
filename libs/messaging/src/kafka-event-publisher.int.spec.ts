import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agencyTopic, AUDIT_TOPIC, ALL_TOPICS, toCloudEvent } from '../../contracts/src/index.js';
import { KafkaReader } from '../../../test/support/kafka-reader.js';
import { createKafka, ensureTopics, isKafkaReachable } from './kafka.js';
import { KafkaEventPublisher } from './kafka-event-publisher.js';

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
    const caseRef = 'PW-0000000000K1';
    const event = toCloudEvent({
      caseRef,
      key: 'e00001-InterviewRecorded',
      type: 'dk.pathway.interview-recorded.v1',
      time: '2026-12-01T10:00:00.000Z',
      data: { caseRef, type: 'InterviewRecorded', at: '2026-12-01T10:00:00.000Z', by: 'ngo' },
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

  it('reports an unreachable broker as not reachable instead of hanging', async () => {
    const nowhere = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'nowhere' }, { silent: true });
    expect(await isKafkaReachable(nowhere)).toBe(false);
  });
});
