/**
 * The devstack against the real servers: provisions into the repo's .tools (reused when already there),
 * starts a Temporal dev server and a single-node Kafka on free non-default ports with throw-away data,
 * stops them, starts them again on the same data to show it persisted, and checks that no child is left.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DevstackError,
  checkPrerequisites,
  getFreePort,
  provision,
  runningManagedPids,
  startKafka,
  startTemporalDevServer,
  waitForKafka,
  waitForTemporal,
  type ManagedProcess,
  type ToolPaths,
} from './index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const toolsDir = resolve(repoRoot, process.env['TOOLS_DIR'] ?? '.tools');
const host = '127.0.0.1';
const PERSISTED_NAMESPACE = 'devstack-int-persisted';
const PERSISTED_TOPIC = 'devstack-int-persisted';

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  log(`[devstack.int] ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

describe('devstack against real servers', () => {
  let paths: ToolPaths;
  let dataDir: string;
  const started: ManagedProcess[] = [];

  async function startTemporal(port: number): Promise<ManagedProcess> {
    const proc = await startTemporalDevServer({
      cli: paths.temporalCli,
      dataDir, // <dataDir>/temporal.sqlite
      host,
      port,
      namespace: 'devstack-int',
      log,
      logFile: join(dataDir, 'temporal.log'),
    });
    started.push(proc);
    return proc;
  }

  async function startBroker(port: number, controllerPort: number): Promise<ManagedProcess> {
    const proc = await startKafka({
      paths,
      dataDir, // <dataDir>/kafka/{server.properties,logs/}
      host,
      port,
      controllerPort,
      log,
      logFile: join(dataDir, 'kafka.log'),
    });
    started.push(proc);
    return proc;
  }

  beforeAll(async () => {
    await checkPrerequisites(['node', 'java', 'pip', 'mvn']);
    paths = await timed('provision', () => provision({ toolsDir, log }));
    dataDir = await mkdtemp(join(tmpdir(), 'devstack-int-'));
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((p) => p.stop()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs Temporal, keeps its SQLite state across a stop and a restart', async () => {
    const port = await getFreePort(host);
    const address = `${host}:${port}`;
    const first = await timed('Temporal start (until SERVING)', () => startTemporal(port));
    await waitForTemporal(address, 5_000);

    const connection = await Connection.connect({ address });
    try {
      await connection.workflowService.registerNamespace({
        namespace: PERSISTED_NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } finally {
      await connection.close();
    }

    await timed('Temporal stop', () => first.stop());
    expect(await first.exited).not.toBeUndefined();
    expect(alive(first.pid)).toBe(false);
    await expect(waitForTemporal(address, 500)).rejects.toThrow(
      new RegExp(`Temporal at ${address} was not ready`),
    );

    const second = await timed('Temporal restart on the same db', () => startTemporal(port));
    const again = await Connection.connect({ address });
    try {
      const described = await again.workflowService.describeNamespace({ namespace: PERSISTED_NAMESPACE });
      expect(described.namespaceInfo?.name).toBe(PERSISTED_NAMESPACE);
    } finally {
      await again.close();
    }
    await second.stop();
    expect(alive(second.pid)).toBe(false);
  });

  it('runs Kafka (KRaft), formats once, and keeps topics across a restart', async () => {
    const port = await getFreePort(host);
    const controllerPort = await getFreePort(host);
    const brokers = [`${host}:${port}`];
    const first = await timed('Kafka first start (format + until describeCluster answers)', () =>
      startBroker(port, controllerPort),
    );
    await waitForKafka(brokers, 5_000);

    const kafka = new Kafka({ clientId: 'devstack-int', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: PERSISTED_TOPIC, numPartitions: 1 }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }

    // The port is taken while it runs: a second broker is refused before it is started.
    await expect(startBroker(port, await getFreePort(host))).rejects.toThrow(
      `port ${port} (KAFKA_PORT) is already in use on ${host}; set KAFKA_PORT to a free port`,
    );

    await timed('Kafka stop (controlled shutdown)', () => first.stop());
    expect(alive(first.pid)).toBe(false);

    const second = await timed('Kafka restart (no format)', () => startBroker(port, controllerPort));
    const admin2 = new Kafka({ clientId: 'devstack-int', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin2.connect();
    try {
      expect(await admin2.listTopics()).toContain(PERSISTED_TOPIC);
    } finally {
      await admin2.disconnect();
    }
    await timed('Kafka stop after restart', () => second.stop());
    expect(alive(second.pid)).toBe(false);
  });

  it('reports a timeout as a DevstackError naming the address', async () => {
    const port = await getFreePort(host);
    const error = await waitForKafka([`${host}:${port}`], 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    expect((error as Error).message).toContain(`Kafka at ${host}:${port} was not ready within 1.0 s`);
  });

  it('leaves no child process behind', () => {
    expect(runningManagedPids()).toEqual([]);
    for (const proc of started) expect(alive(proc.pid), `${proc.name} ${proc.pid}`).toBe(false);
  });
});
