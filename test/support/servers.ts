/**
 * The real servers the integration and end-to-end tiers run against. `npm test` starts them once
 * (scripts/test.ts) and passes their addresses in the environment; a tier run on its own
 * (`npx vitest run --project integration`) starts its own through the vitest global setup.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  provision,
  startKafka,
  startPostgres,
  startTemporalDevServer,
  type ManagedProcess,
  type ToolPaths,
} from '../../libs/devstack/src/index.js';
import { repoRoot } from '../../scripts/repo-root.js';

export const toolsDir = resolve(repoRoot, process.env['TOOLS_DIR'] ?? '.tools');

export interface TestServers {
  readonly temporalAddress: string;
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** Where the three servers keep their data and logs (the canary test scans it byte for byte). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function provisionForTests(): Promise<ToolPaths> {
  return provision({ toolsDir, log, only: ['temporal', 'test-server', 'kafka'] });
}

/** Starts a headless Temporal dev server and a single-node Kafka on free ports, with throw-away data. */
export async function startTestServers(): Promise<TestServers> {
  const started = performance.now();
  const paths = await provisionForTests();
  const dataDir = await mkdtemp(join(tmpdir(), 'victim-pathway-test-'));
  const [temporalPort, kafkaPort, controllerPort, postgresPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // PostgreSQL runs as the postgres user when we are root: it must be able to reach its folder.
  await chmod(dataDir, 0o755);
  let databaseUrl: string;
  const processes: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(processes.reverse().map((p) => p.stop()));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const [temporal, kafka, postgres] = await Promise.all([
      startTemporalDevServer({
        cli: paths.temporalCli,
        dataDir: join(dataDir, 'temporal'),
        host: '127.0.0.1',
        port: temporalPort,
        namespace: 'default',
        log,
        logFile: join(dataDir, 'temporal.log'),
      }),
      startKafka({
        paths,
        dataDir,
        host: '127.0.0.1',
        port: kafkaPort,
        controllerPort,
        log,
        logFile: join(dataDir, 'kafka.log'),
      }),
      startPostgres({
        dir: join(dataDir, 'postgres'),
        host: '127.0.0.1',
        port: postgresPort,
        log,
        logFile: join(dataDir, 'postgres.log'),
      }),
    ]);
    processes.push(temporal, kafka, postgres);
    databaseUrl = postgres.databaseUrl;
  } catch (error) {
    await stop();
    throw error;
  }
  const servers = {
    temporalAddress: `127.0.0.1:${temporalPort}`,
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    databaseUrl,
    dataDir,
    stop,
  };
  log(
    `[test servers] real Temporal dev server at ${servers.temporalAddress}, Kafka at ${servers.kafkaBrokers} ` +
      `and PostgreSQL on port ${postgresPort} ` +
      `ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return servers;
}
