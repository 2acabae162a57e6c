import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { TopicSettingsError, createKafka, ensureTopics, replicationFactorFor } from './kafka.js';

describe('topic settings', () => {
  it('replication factor: 1 only on a single broker unless set; never more than the brokers', () => {
    expect(replicationFactorFor(1, undefined)).toBe(1);
    expect(replicationFactorFor(2, undefined)).toBe(2);
    expect(replicationFactorFor(5, undefined)).toBe(3);
    expect(replicationFactorFor(5, 1)).toBe(1); // set explicitly: the operator's choice
    expect(() => replicationFactorFor(1, 3)).toThrow(TopicSettingsError);
  });

  it('on the real (single) broker: partitions as set, replication factor 1, and a factor it cannot meet refused', async () => {
    const kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'topic-settings' });
    const topic = `settings-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [topic], { partitions: 5 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(5);
      expect(metadata?.partitions.every((p) => p.replicas.length === 1)).toBe(true);
      const other = `settings-${randomBytes(4).toString('hex')}`;
      await expect(ensureTopics(kafka, [other], { replicationFactor: 2 })).rejects.toThrow(
        /KAFKA_REPLICATION_FACTOR is 2 but the cluster has 1 broker/,
      );
      expect(await admin.listTopics()).not.toContain(other);
    } finally {
      await admin.disconnect();
    }
  });
});
