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

/** Creates the topics that do not exist yet (auto-creation is off on our brokers). */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  replicationFactor = 1,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor })),
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
