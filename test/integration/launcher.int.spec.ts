import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TOPIC, type CaseView } from '../../libs/contracts/src/index.js';
import { MIN_NODE, assertPortFree } from '../../libs/devstack/src/index.js';
import { repoRoot } from '../../scripts/repo-root.js';
import { scrape } from '../support/prometheus.js';
import { freePort, toolsDir } from '../support/servers.js';

interface Launch {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | null>;
}

/**
 * `npm start`'s own command line, after `with-node.mjs` (which only chooses the Node): the launcher runs with
 * tsx's loader in its own process, so a signal reaches it and nothing else decides when it stops.
 */
function startCommand(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  return (scripts['start'] ?? '').replace(/^node scripts\/with-node\.mjs /, '').split(' ');
}

function launch(env: Record<string, string>): Launch {
  const [command, ...args] = startCommand();
  const child = spawn(command === 'node' ? process.execPath : (command ?? ''), args, {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: '', KAFKA_BROKERS: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Launch = {
    child,
    output: '',
    exited: new Promise((resolve) => {
      child.once('exit', (code) => {
        resolve(code);
      });
    }),
  };
  const append = (chunk: Buffer): void => {
    run.output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return run;
}

/** Runs a command to completion and returns its standard output. */
async function output(command: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(command, args, { maxBuffer: 10_000_000 });
  return stdout;
}

async function until(run: Launch, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output.includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`launcher exited ${run.child.exitCode}:\n${run.output}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${run.output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `npm start` itself: the embedded default, from provisioning to a clean stop, and its refusals. */
describe('npm start (scripts/start.ts)', () => {
  let dataDir: string;
  const ports: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'victim-pathway-launcher-'));
    // PostgreSQL runs as the postgres user when we are root: it must be able to reach its folder.
    await chmod(dataDir, 0o755);
    for (const name of [
      'GATEWAY_PORT',
      'TEMPORAL_PORT',
      'TEMPORAL_UI_PORT',
      'TEMPORAL_METRICS_PORT',
      'WORKER_METRICS_PORT',
      'KAFKA_PORT',
      'KAFKA_CONTROLLER_PORT',
      'POSTGRES_PORT',
    ]) {
      ports[name] = String(await freePort());
    }
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // From a clean clone this launch builds everything first (the apps, the workflow bundle and the console).
  it('starts everything, opens a case over HTTP, stops cleanly on SIGTERM, and keeps the case across a restart', async () => {
    const env = { ...ports, DATA_DIR: dataDir };
    const api = `http://127.0.0.1:${ports['GATEWAY_PORT']}`;
    const first = launch(env);
    await until(first, 'Press Ctrl-C to stop.', 240_000);
    expect(first.output).toContain(`OpenAPI docs   ${api}/docs`);
    // The caseworker console (ADR 0018): built by the launcher, served at `/`, with the local sign-in.
    expect(first.output).toContain(`Console        ${api}/`);
    const consolePage = await fetch(`${api}/`, { headers: { accept: 'text/html' } });
    expect(consolePage.status).toBe(200);
    expect(await consolePage.text()).toContain('<div id="root">');
    const signIn = await fetch(`${api}/auth/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'cmm', org: 'cmm' }),
    });
    expect(signIn.status).toBe(200);
    expect(first.output).toContain(`Temporal UI    http://127.0.0.1:${ports['TEMPORAL_UI_PORT']}`);

    expect(first.output).toContain('npm run -s token -- --role cmm --org cmm');
    // A token from the documented command, signed with the keys the launcher created under DATA_DIR.
    const token = (
      await output('npx', ['tsx', 'scripts/token.ts', '--role', 'dis', '--org', 'dis', '--data-dir', dataDir])
    ).trim();
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${api}/dis/cases`, { method: 'POST' })).status).toBe(401);
    const response = await fetch(`${api}/dis/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ facts: { hasLegalStay: false, age: 'adult' } }),
    });
    expect(response.status).toBe(201);
    const { caseRef } = (await response.json()) as CaseView;

    // Visible with the provisioned `temporal workflow list` (what the Web UI lists too) …
    const listed = await output(join(toolsDir, 'temporal', 'temporal'), [
      ...['workflow', 'list', '--address', `127.0.0.1:${ports['TEMPORAL_PORT']}`],
      ...['--query', `WorkflowId = '${caseRef}'`],
    ]);
    expect(listed).toContain(caseRef);
    expect(listed).toContain('victimPathwayWorkflow');
    // … and on Kafka with its own console consumer, as the README tells an operator to read a topic.
    const consumed = await output('java', [
      `-Dlog4j2.configurationFile=${join(toolsDir, 'kafka', 'log4j2.xml')}`,
      ...['-cp', `${join(toolsDir, 'kafka', 'lib')}/*`, 'org.apache.kafka.tools.consumer.ConsoleConsumer'],
      ...['--bootstrap-server', `127.0.0.1:${ports['KAFKA_PORT']}`, '--topic', AUDIT_TOPIC],
      ...['--from-beginning', '--max-messages', '1', '--timeout-ms', '60000'],
    ]);
    expect(JSON.parse(consumed.trim())).toMatchObject({
      id: `${caseRef}/e00001-CaseReferred`,
      subject: caseRef,
    });

    // The apps' log files: JSON lines, no colour codes; the gateway logged the open (route template, status,
    // role), the worker its own lines and the Temporal SDK's, through the same logger.
    const logLines = async (name: string) =>
      (await readFile(join(dataDir, 'logs', `${name}.log`), 'utf8'))
        .split('\n')
        // The launcher's own marker lines (`--- <time> devstack starting …`) separate the app's runs.
        .filter((l) => l.trim() !== '' && !l.startsWith('--- '));
    const gatewayLog = await logLines('gateway');
    const workerLog = await logLines('worker');
    for (const line of [...gatewayLog, ...workerLog]) {
      expect(line).not.toContain('\u001b[');
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    }
    expect(gatewayLog.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ msg: 'POST /dis/cases 201', route: '/dis/cases', role: 'dis', caseRef }),
    );
    expect(gatewayLog.join('\n')).not.toContain(token);
    const workerLines = workerLog.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(workerLines).toContainEqual(
      expect.objectContaining({ service: 'worker', context: 'PathwayWorker' }),
    );
    expect(workerLines).toContainEqual(
      expect.objectContaining({ service: 'worker', temporal: expect.any(String) }),
    );

    // The metrics endpoints it printed, each in Prometheus's text format.
    const workerMetrics = `http://127.0.0.1:${ports['WORKER_METRICS_PORT']}/metrics`;
    const temporalMetrics = `http://127.0.0.1:${ports['TEMPORAL_METRICS_PORT']}/metrics`;
    expect(first.output).toContain(`${api}/metrics (gateway)`);
    expect(first.output).toContain(`${workerMetrics} (worker, Temporal SDK)`);
    expect(first.output).toContain(`${temporalMetrics} (Temporal server)`);
    const gatewaySamples = (await scrape(`${api}/metrics`)).samples;
    expect(gatewaySamples.some((s) => s.name === 'gateway_http_request_duration_seconds_count')).toBe(true);
    const workerSamples = (await scrape(workerMetrics)).samples;
    expect(workerSamples.some((s) => s.name.startsWith('temporal_'))).toBe(true);
    expect(
      workerSamples.find((s) => s.name.startsWith('pathway_publish_duration') && s.name.endsWith('_count'))
        ?.value,
    ).toBeGreaterThanOrEqual(1);
    expect((await scrape(temporalMetrics)).samples.length).toBeGreaterThan(0);

    // Supervision: a worker killed with -9 is restarted; Temporal, Kafka and the gateway stay up, and the
    // system is ready again.
    const workerPid = Number(/worker pid (\d+)/.exec(first.output)?.[1]);
    expect(workerPid).toBeGreaterThan(0);
    process.kill(workerPid, 'SIGKILL');
    await until(first, 'worker restarted (pid', 60_000);
    expect(first.output).toMatch(/worker stopped unexpectedly \(exit null\); restarting it in 1 s/);
    const readyDeadline = Date.now() + 60_000;
    let readiness = 0;
    while (readiness !== 200 && Date.now() < readyDeadline) {
      readiness = (await fetch(`${api}/health/ready`).catch(() => undefined))?.status ?? 0;
      if (readiness !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(readiness).toBe(200);
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Nothing left behind: every port is free again.
    for (const [name, port] of Object.entries(ports)) await assertPortFree(Number(port), name);

    const second = launch(env);
    await until(second, 'Press Ctrl-C to stop.', 180_000);
    // The same token still verifies: the keys persist in DATA_DIR across restarts.
    const again = await fetch(`${api}/dis/cases/${caseRef}`, { headers: auth });
    expect(again.status).toBe(200);
    expect(((await again.json()) as CaseView).caseRef).toBe(caseRef);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 300_000);

  it('refuses invalid configuration with one message listing every bad value, exit 2', async () => {
    const run = launch({ GATEWAY_PORT: 'abc', KAFKA_BROKERS: 'not a broker', DATA_DIR: dataDir });
    expect(await run.exited).toBe(2);
    expect(run.output).toMatch(/GATEWAY_PORT is "abc"/);
    expect(run.output).toMatch(/KAFKA_BROKERS is "not a broker"/);
    expect(run.output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names a taken port instead of starting half a system', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(ports['KAFKA_PORT']), '127.0.0.1', r));
    try {
      const run = launch({ ...ports, DATA_DIR: dataDir });
      expect(await run.exited).toBe(1);
      expect(run.output).toMatch(/KAFKA_PORT/);
      expect(run.output).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('reports an unreachable Temporal with a clear message and a non-zero exit, not a hang', async () => {
    const run = launch({
      GATEWAY_PORT: ports['GATEWAY_PORT']!,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      KAFKA_BROKERS: '127.0.0.1:2',
      DATA_DIR: dataDir,
    });
    expect(await run.exited).toBe(1);
    expect(run.output).toMatch(/cannot reach|127\.0\.0\.1:1/i);
  });
});

/** The system's Node when it is older than the project needs (the build machines have 20), else undefined. */
function oldSystemNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(/^v(\d+)/.exec(version)?.[1] ?? 0) < MIN_NODE.major) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

describe('a maintained Node (scripts/with-node.mjs)', () => {
  const old = oldSystemNode();

  it('runs npm start and npm test on Node 24 or newer', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(MIN_NODE.major);
  });

  it.runIf(old !== undefined)(
    'brings the project’s own Node when started by the system’s older one',
    async () => {
      const version = await output(old!, [join(repoRoot, 'scripts', 'with-node.mjs'), 'node', '--version']);
      expect(Number(/^v(\d+)/.exec(version.trim())?.[1])).toBeGreaterThanOrEqual(MIN_NODE.major);
    },
    120_000,
  );

  it.runIf(old !== undefined)('npm start on a too-old Node refuses in one line, exit 1', async () => {
    const result = await promisify(execFile)(
      old!,
      [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts'],
      {
        cwd: repoRoot,
      },
    ).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
    expect('code' in result ? result.code : 0).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Node v\d+\.\d+\.\d+ is too old: this service needs Node 24 or newer/);
  });
});
