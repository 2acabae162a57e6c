import { Kafka, logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';

export interface KafkaTarget {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

/**
 * kafkajs logs retriable coordinator errors loudly on a fresh broker; they are expected and retried.
 * We surface only errors, as one line each, without payloads.
 */
const quietLogCreator: logCreator =
  () =>
  ({ namespace, level, log }) => {
    if (level > KafkaLogLevel.ERROR) return;
    const error = typeof log['error'] === 'string' ? log['error'] : '';
    // Retried conditions: a group rebalancing, a partition without a leader just after topic creation.
    if (log.retriable === true || /coordinator|leader|rebalanc/i.test(`${log.message} ${error}`)) return;
    process.stderr.write(`[kafka] ${namespace}: ${log.message}\n`);
  };

/** `silent` suits probes (readiness), whose failures are answers, not errors to log. */
export function createKafka(target: KafkaTarget, options: { silent?: boolean } = {}): Kafka {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  return new Kafka({
    clientId: target.clientId,
    brokers: [...target.brokers],
    logLevel: options.silent === true ? KafkaLogLevel.NOTHING : KafkaLogLevel.ERROR,
    logCreator: quietLogCreator,
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

/** How the service's topics are created. */
export interface TopicSettings {
  /** Partitions per topic (a case's events share one: the key is the case ref). */
  readonly partitions?: number;
  /** Copies of each partition; unset: 1 on a single broker, else min(3, brokers) — never 1 by accident. */
  readonly replicationFactor?: number;
}

export class TopicSettingsError extends Error {
  override readonly name = 'TopicSettingsError';
}

/**
 * The replication factor for a cluster of `brokers`: the one set explicitly (at most `brokers`), else 1 for
 * a single broker (the embedded one) and min(3, brokers) for a real cluster, where 1 would lose events with
 * one disk. With `acks=all`, set the topics' `min.insync.replicas` to replicationFactor − 1 on the cluster.
 */
export function replicationFactorFor(brokers: number, explicit: number | undefined): number {
  if (explicit !== undefined) {
    if (explicit > brokers) {
      throw new TopicSettingsError(
        `KAFKA_REPLICATION_FACTOR is ${explicit} but the cluster has ${brokers} broker(s)`,
      );
    }
    return explicit;
  }
  return brokers === 1 ? 1 : Math.min(3, brokers);
}

/** Creates the topics that do not exist yet (auto-creation is off on our brokers). */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: TopicSettings = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      const { brokers } = await admin.describeCluster();
      const replicationFactor = replicationFactorFor(brokers.length, settings.replicationFactor);
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions ?? 3,
          replicationFactor,
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Readiness: the cluster answers a metadata request. */
export async function isKafkaReachable(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
