import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DevstackError, formatSeconds, type Logger } from './errors.js';
import { lastLines, run } from './exec.js';
import { kafkaLayout, renderServerProperties } from './kafka-config.js';
import { assertPortFree, connectHost } from './ports.js';
import { publicView, spawnManaged, untilReadyOrExit, type ManagedProcess } from './process.js';
import type { ToolPaths } from './provision.js';
import { retryUntil } from './wait.js';

const STOP_GRACE_MS = 30_000; // Kafka does a controlled shutdown on SIGTERM
const READY_TIMEOUT_MS = 90_000; // ≈10 s normally on 2 busy cores

export interface KafkaOptions {
  paths: ToolPaths;
  /** Kafka keeps everything in `<dataDir>/kafka` (server.properties, logs/ with meta.properties and the data). */
  dataDir: string;
  host: string;
  /** Client (PLAINTEXT) port. */
  port: number;
  /** KRaft controller port. */
  controllerPort: number;
  log: Logger;
  /** Append the broker's output here; otherwise it is kept in memory only (last lines, for errors). */
  logFile?: string;
  /** Max heap in MB (default 512). */
  heapMb?: number;
}

/** JVM options for the broker. */
export function kafkaJvmArgs(paths: ToolPaths, heapMb = 512): string[] {
  return [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${paths.kafkaLog4jConfig}`,
    '-cp',
    join(paths.kafkaLibDir, '*'), // expanded by java itself, no shell involved
  ];
}

/** JVM options for short-lived tools (StorageTool): small heap, quick start. */
function toolJvmArgs(paths: ToolPaths): string[] {
  return [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Dlog4j2.configurationFile=${paths.kafkaLog4jConfig}`,
    '-cp',
    join(paths.kafkaLibDir, '*'),
  ];
}

async function storageTool(paths: ToolPaths, args: string[], what: string): Promise<string> {
  const result = await run('java', [...toolJvmArgs(paths), 'kafka.tools.StorageTool', ...args], {
    timeoutMs: 120_000,
  });
  if (!result.ok) {
    throw new DevstackError(
      `Kafka ${what} failed${result.spawnError === 'ENOENT' ? ': `java` not found (install Java 17+)' : ''}:\n` +
        lastLines(`${result.stdout}\n${result.stderr}`, 20),
      'KAFKA_STORAGE_FAILED',
    );
  }
  return result.stdout;
}

async function waitForKafkaInternal(
  brokers: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  await retryUntil(
    async (remainingMs) => {
      const kafka = new Kafka({
        clientId: 'devstack-readiness',
        brokers,
        logLevel: logLevel.NOTHING,
        connectionTimeout: Math.max(250, Math.min(remainingMs, 2_000)),
        requestTimeout: Math.max(500, Math.min(remainingMs, 5_000)),
        retry: { retries: 0 },
      });
      const admin = kafka.admin({ retry: { retries: 0 } });
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    {
      timeoutMs,
      intervalMs: 500,
      signal,
      onTimeout: (last) =>
        new DevstackError(
          `Kafka at ${brokers.join(',')} was not ready within ${formatSeconds(timeoutMs)}: ${last}`,
          'NOT_READY',
        ),
    },
  );
}

/**
 * Waits until the brokers answer an admin describeCluster (kafkajs, logging off). DevstackError on timeout.
 */
export async function waitForKafka(brokers: string[], timeoutMs: number): Promise<void> {
  await waitForKafkaInternal(brokers, timeoutMs);
}

/**
 * Starts a single-node KRaft Kafka (broker + controller) from the provisioned jars. The storage is formatted
 * on first start only (when `<dataDir>/kafka/logs/meta.properties` is absent), so topics and offsets survive
 * restarts. stop(): SIGTERM (controlled shutdown), wait up to 30 s, then SIGKILL.
 */
export async function startKafka(opts: KafkaOptions): Promise<ManagedProcess> {
  const { paths } = opts;
  for (const [path, what] of [
    [paths.kafkaLibDir, 'Kafka jars'],
    [paths.kafkaLog4jConfig, 'Kafka log4j2 config'],
  ] as const) {
    try {
      await access(path);
    } catch {
      throw new DevstackError(
        `${what} not found at ${path}: run \`npm run provision\` first`,
        'TOOL_MISSING',
      );
    }
  }
  const layout = kafkaLayout(resolve(opts.dataDir));
  await assertPortFree(opts.port, 'KAFKA_PORT', opts.host);
  await assertPortFree(opts.controllerPort, 'KAFKA_CONTROLLER_PORT', opts.host);
  await mkdir(layout.logDir, { recursive: true });
  await writeFile(
    layout.serverProperties,
    renderServerProperties({
      host: opts.host,
      port: opts.port,
      controllerPort: opts.controllerPort,
      logDir: layout.logDir,
    }),
  );

  let formatted = true;
  try {
    await access(layout.metaProperties);
  } catch {
    formatted = false;
  }
  if (formatted) {
    opts.log(`[kafka] storage in ${layout.logDir} already formatted: keeping its data`);
  } else {
    const started = Date.now();
    const out = await storageTool(paths, ['random-uuid'], 'StorageTool random-uuid');
    const clusterId = out
      .split(/\r?\n/)
      .map((l) => l.trim())
      .reverse()
      .find((l) => /^[A-Za-z0-9_-]{22}$/.test(l));
    if (clusterId === undefined) {
      throw new DevstackError(
        `Kafka StorageTool random-uuid printed no cluster id:\n${lastLines(out, 10)}`,
        'KAFKA_STORAGE_FAILED',
      );
    }
    await storageTool(
      paths,
      ['format', '-t', clusterId, '-c', layout.serverProperties],
      'StorageTool format',
    );
    opts.log(
      `[kafka] formatted storage in ${layout.logDir} (cluster id ${clusterId}) in ${formatSeconds(Date.now() - started)}`,
    );
  }

  const bootstrap = `${connectHost(opts.host)}:${opts.port}`;
  const started = Date.now();
  opts.log(`[kafka] starting broker+controller on ${bootstrap} (controller port ${opts.controllerPort})`);
  const proc = await spawnManaged({
    name: 'kafka',
    command: 'java',
    args: [...kafkaJvmArgs(paths, opts.heapMb), 'kafka.Kafka', layout.serverProperties],
    cwd: layout.root,
    logFile: opts.logFile,
    stopTimeoutMs: STOP_GRACE_MS,
    log: opts.log,
  });
  await untilReadyOrExit(proc, (signal) => waitForKafkaInternal([bootstrap], READY_TIMEOUT_MS, signal));
  opts.log(`[kafka] ready on ${bootstrap} in ${formatSeconds(Date.now() - started)}`);
  return publicView(proc);
}
