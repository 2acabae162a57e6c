import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ACCESS_LOG_SOURCE,
  ACCESS_LOG_TOPIC,
  ACCESS_RECORD_TYPE,
  accessRecordSchema,
  type AccessRecord,
} from '../../../../libs/contracts/src/index.js';
import { createPool, migrateDatabase, type Pool } from '../../../../libs/database/src/index.js';
import { KafkaEventPublisher, createKafka, ensureTopics } from '../../../../libs/messaging/src/index.js';
import { KafkaReader } from '../../../../test/support/kafka-reader.js';
import { AccessLogService } from './access-log.service.js';

const record = (requestId: string): AccessRecord => ({
  specversion: '1.0',
  id: randomUUID(),
  source: ACCESS_LOG_SOURCE,
  type: ACCESS_RECORD_TYPE,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: {
    requestId,
    outcome: 'allowed',
    status: 200,
    role: 'cmm',
    org: 'cmm',
    sub: 'caseworker-1',
    operation: 'listCases',
    method: 'GET',
    route: '/cmm/cases',
  },
});

/**
 * The access log's outbox on a real PostgreSQL and a real Kafka broker: records stored while the broker
 * cannot be reached stay stored, and a relay that can reach it publishes every one, once the broker holds
 * them, as CloudEvents with their own ids.
 */
describe('access-log outbox and relay', () => {
  let pool: Pool;
  const kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'access-log-int' });
  const reader = new KafkaReader(kafka);

  beforeAll(async () => {
    await migrateDatabase(inject('databaseUrl'));
    pool = createPool(inject('databaseUrl'));
    await ensureTopics(kafka, [ACCESS_LOG_TOPIC]);
    await reader.start([ACCESS_LOG_TOPIC]);
  });
  afterAll(async () => {
    await reader.stop();
    await pool.end();
  });

  it('keeps records while Kafka is out of reach and publishes each of them once it is back', async () => {
    // Given records stored while the relay's broker cannot be reached
    const unreachable = new KafkaEventPublisher(
      createKafka({ brokers: ['127.0.0.1:1'], clientId: 'access-log-nowhere' }, { silent: true }),
    );
    const cut = new AccessLogService(pool, unreachable);
    const run = randomUUID().slice(0, 8);
    const stored = Array.from({ length: 25 }, (_, i) => record(`drill-${run}-${String(i).padStart(3, '0')}`));
    for (const r of stored) await cut.store(r);
    await expect(cut.relayOnce()).rejects.toThrow();
    const { rows } = await pool.query<{ n: string }>(
      "select count(*)::text as n from access_log_outbox where record->'data'->>'requestId' like $1",
      [`drill-${run}-%`],
    );
    expect(Number(rows[0]?.n)).toBe(25);
    await unreachable.close();

    // When a relay that reaches the broker runs
    const publisher = new KafkaEventPublisher(kafka);
    const relay = new AccessLogService(pool, publisher);
    while ((await relay.relayOnce()) > 0);
    await publisher.close();

    // Then every record is on the topic, as a CloudEvent with its own id, and none is left stored
    const read = await reader.waitFor(
      (messages) =>
        messages.filter((m) => String(m.event.data['requestId']).startsWith(`drill-${run}-`)).length >= 25,
    );
    const mine = read.filter((m) => String(m.event.data['requestId']).startsWith(`drill-${run}-`));
    expect(new Set(mine.map((m) => m.event.id))).toEqual(new Set(stored.map((r) => r.id)));
    for (const message of mine) expect(accessRecordSchema.parse(message.event)).toBeTruthy();
    expect(await relay.backlog()).toBe(0);
  });
});
