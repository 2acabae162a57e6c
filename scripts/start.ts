/**
 * `npm start`: the whole system on one machine (the embedded default).
 *
 * Provisions what is missing (first run), builds, starts the Temporal dev server (SQLite under DATA_DIR,
 * Web UI on), a single-node Kafka and PostgreSQL (from its npm package) unless TEMPORAL_ADDRESS /
 * KAFKA_BROKERS / DATABASE_URL point at existing ones,
 * then the worker and the gateway; waits until the gateway reports ready; prints the URLs.
 * Ctrl-C or SIGTERM stops everything, apps first, servers last. Data survives a restart.
 */
import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import {
  describeBootFailure,
  launcherEnvSchema,
  loadConfig,
  ConfigError,
  traceExporterOf,
  type LauncherConfig,
} from '../libs/config/src/index.js';
import {
  DevstackError,
  assertPortFree,
  checkPrerequisites,
  provision,
  startKafka,
  startPostgres,
  startTemporalDevServer,
  EMBEDDED_DATABASE,
  MIN_NODE,
  parseNodeVersion,
  type ManagedProcess,
  type Prerequisite,
  type Tool,
} from '../libs/devstack/src/index.js';
import { ensureLocalSigningKeys, localKeysDir } from '../libs/auth/src/index.js';
import {
  appMemoryEnv,
  appNodeArgs,
  spawnManaged,
  type ManagedProcessInternal,
} from '../libs/devstack/src/index.js';
import { copyBuildAssets } from './build-assets.js';
import { bundleWorkflows } from './bundle-workflows.js';
import { buildConsoleIfStale } from './build-console.js';
import { repoRoot } from './repo-root.js';

const say = (line: string): void => {
  process.stdout.write(`[start] ${line}\n`);
};
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const inRepo = (path: string): string => (isAbsolute(path) ? path : resolve(repoRoot, path));

const running: ManagedProcess[] = [];
let stopping: Promise<void> | undefined;
/** A function, not the variable: a stop can begin while the supervisor awaits. */
const isStopping = (): boolean => stopping !== undefined;

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // Apps first (they drain and disconnect), then the servers they use.
    for (const proc of [...running].reverse()) await proc.stop().catch(() => undefined);
  })();
  return stopping;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    if (path.includes('node_modules')) continue;
    newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Compiles apps/libs/workflows to dist/ and bundles the workflows, unless dist is already current. */
async function build(): Promise<void> {
  const stamp = join(repoRoot, 'dist', '.build-stamp');
  const sources = Math.max(
    ...(await Promise.all(['apps', 'libs', 'workflows'].map((d) => newestSource(join(repoRoot, d))))),
  );
  const built = await stat(stamp).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  await copyBuildAssets();
  if (built > sources) {
    say('build is current');
    return;
  }
  const started = performance.now();
  say('building (tsc)…');
  const code = await new Promise<number | null>((done) => {
    const tsc = spawn(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    tsc.on('exit', done);
  });
  if (code !== 0)
    throw new DevstackError('the TypeScript build failed (see the errors above)', 'BUILD_FAILED');
  say('bundling workflows…');
  await bundleWorkflows(join(repoRoot, 'dist', 'workflow-bundle.js'));
  await writeFile(stamp, new Date().toISOString());
  say(`built in ${seconds(started)}`);
}

async function startApp(
  name: 'worker' | 'gateway',
  env: NodeJS.ProcessEnv,
  logDir: string,
): Promise<ManagedProcessInternal> {
  // Each app's memory is set here, from WORKER_HEAP_MB / GATEWAY_HEAP_MB (ADR 0022).
  const heapMb = name === 'worker' ? config.WORKER_HEAP_MB : config.GATEWAY_HEAP_MB;
  return spawnManaged({
    name,
    command: process.execPath,
    args: [
      ...appNodeArgs({ heapMb }),
      '--enable-source-maps',
      join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'),
    ],
    cwd: repoRoot,
    env: appMemoryEnv(env),
    logFile: join(logDir, `${name}.log`),
    stopTimeoutMs: 15_000,
    log: say,
  });
}

/** The app's own one-line boot failure (`worker: …`), else the end of its output. */
function bootFailure(app: ManagedProcessInternal): string {
  const lines = app.tail(60).split('\n');
  const own = lines.filter((line) => line.startsWith(`${app.name}: `));
  return own.length > 0 ? own.join('\n') : `\n${lines.slice(-15).join('\n')}`;
}

async function waitUntilReady(url: string, apps: ManagedProcessInternal[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    for (const app of apps) {
      if (app.hasExited())
        throw new DevstackError(`${app.name} exited during start: ${bootFailure(app)}`, 'APP_EXITED');
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      last = await response.text();
      if (response.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new DevstackError(
        `the gateway did not become ready within ${timeoutMs / 1000} s (last answer: ${last})`,
        'NOT_READY',
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(config: LauncherConfig): Promise<void> {
  const started = performance.now();
  const dataDir = inRepo(config.DATA_DIR);
  const toolsDir = inRepo(config.TOOLS_DIR);
  const logDir = join(dataDir, 'logs');
  const localTemporal = config.TEMPORAL_ADDRESS === undefined;
  const localKafka = config.KAFKA_BROKERS === undefined;
  const localPostgres = config.DATABASE_URL === undefined;

  const needs: Prerequisite[] = ['node'];
  const tools: Tool[] = [];
  if (localTemporal) tools.push('temporal');
  if (localKafka) tools.push('kafka');
  if (localTemporal) needs.push('pip');
  if (localKafka) needs.push('java', 'mvn');
  await checkPrerequisites(needs);

  // Fail fast on every port we would bind, before anything slow happens.
  await assertPortFree(config.GATEWAY_PORT, 'GATEWAY_PORT', config.GATEWAY_HOST);
  if (config.WORKER_METRICS_PORT > 0) await assertPortFree(config.WORKER_METRICS_PORT, 'WORKER_METRICS_PORT');
  if (localTemporal) {
    await assertPortFree(config.TEMPORAL_PORT, 'TEMPORAL_PORT');
    await assertPortFree(config.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
    await assertPortFree(config.TEMPORAL_METRICS_PORT, 'TEMPORAL_METRICS_PORT');
  }
  if (localKafka) {
    await assertPortFree(config.KAFKA_PORT, 'KAFKA_PORT');
    await assertPortFree(config.KAFKA_CONTROLLER_PORT, 'KAFKA_CONTROLLER_PORT');
  }
  if (localPostgres) await assertPortFree(config.POSTGRES_PORT, 'POSTGRES_PORT');

  const paths = tools.length > 0 ? await provision({ toolsDir, log: say, only: tools }) : undefined;
  await build();
  // The caseworker console (ADR 0018): the gateway serves dist/console at `/`.
  await buildConsoleIfStale(say);

  const temporalAddress = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`;
  const kafkaBrokers = config.KAFKA_BROKERS?.join(',') ?? `127.0.0.1:${config.KAFKA_PORT}`;
  const servers: Array<Promise<ManagedProcess>> = [];
  if (localTemporal && paths) {
    say(`starting Temporal dev server on ${temporalAddress} (data: ${join(dataDir, 'temporal')})…`);
    servers.push(
      startTemporalDevServer({
        cli: paths.temporalCli,
        dataDir: join(dataDir, 'temporal'),
        host: '127.0.0.1',
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        // The UI decodes the payloads through the gateway's codec server (ADR 0015), for a CMM token only.
        uiCodecEndpoint: `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}/cmm/codec`,
        metricsPort: config.TEMPORAL_METRICS_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        log: say,
        logFile: join(logDir, 'temporal.log'),
      }),
    );
  } else say(`using Temporal at ${temporalAddress}`);
  if (localKafka && paths) {
    say(`starting Kafka on ${kafkaBrokers} (data: ${join(dataDir, 'kafka')})…`);
    servers.push(
      startKafka({
        paths,
        dataDir,
        host: '127.0.0.1',
        port: config.KAFKA_PORT,
        controllerPort: config.KAFKA_CONTROLLER_PORT,
        heapMb: config.KAFKA_HEAP_MB,
        log: say,
        logFile: join(logDir, 'kafka.log'),
      }),
    );
  } else say(`using Kafka at ${kafkaBrokers}`);
  let databaseUrl = config.DATABASE_URL;
  if (localPostgres) {
    say(`starting PostgreSQL on 127.0.0.1:${config.POSTGRES_PORT} (data: ${join(dataDir, 'postgres')})…`);
    servers.push(
      startPostgres({
        dir: join(dataDir, 'postgres'),
        host: '127.0.0.1',
        port: config.POSTGRES_PORT,
        log: say,
        logFile: join(logDir, 'postgres.log'),
      }).then((postgres) => {
        databaseUrl = postgres.databaseUrl;
        return postgres;
      }),
    );
  } else say('using PostgreSQL at DATABASE_URL');
  const outcomes = await Promise.allSettled(servers);
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') running.push(outcome.value);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;

  // Embedded default: local signing keys (created once); deployed, AUTH_JWKS_URL names the OIDC issuer's keys.
  const authDir = localKeysDir(dataDir);
  if (process.env['AUTH_JWKS_URL'] === undefined) await ensureLocalSigningKeys(authDir);

  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    AUTH_JWKS_PATH: process.env['AUTH_JWKS_PATH'] ?? join(authDir, 'jwks.json'),
    // The person vault's master keyring (ADR 0014), made by the gateway on first start.
    PERSON_KEYRING_DIR: process.env['PERSON_KEYRING_DIR'] ?? join(dataDir, 'keys'),
    // Temporal's payload codec keys (ADR 0015), the same for the worker and the gateway.
    PAYLOAD_KEYRING_DIR: process.env['PAYLOAD_KEYRING_DIR'] ?? join(dataDir, 'keys'),
    // The local Temporal UI's pages may call the codec server.
    CODEC_CORS_ORIGINS:
      process.env['CODEC_CORS_ORIGINS'] ??
      `http://127.0.0.1:${config.TEMPORAL_UI_PORT},http://localhost:${config.TEMPORAL_UI_PORT}`,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    KAFKA_BROKERS: kafkaBrokers,
    ...(databaseUrl !== undefined ? { DATABASE_URL: databaseUrl } : {}),
    GATEWAY_HOST: config.GATEWAY_HOST,
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    WORKER_BUNDLE_PATH: join(repoRoot, 'dist', 'workflow-bundle.js'),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    WORKER_METRICS_PORT: String(config.WORKER_METRICS_PORT),
  };
  say('starting the worker and the gateway…');
  const worker = await startApp('worker', appEnv, logDir);
  running.push(worker);
  const gateway = await startApp('gateway', appEnv, logDir);
  running.push(gateway);
  const api = `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`;
  await waitUntilReady(`${api}/health/ready`, [worker, gateway], 120_000);

  const ui =
    config.TEMPORAL_UI_URL ?? (localTemporal ? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}` : undefined);
  process.stdout.write(
    [
      '',
      `Ready in ${seconds(started)}.`,
      `  Console        ${api}/   (sign in with a role and an organisation)`,
      `  API            ${api}`,
      `  OpenAPI docs   ${api}/docs   (JSON: ${api}/docs/openapi.json)`,
      `  Health         ${api}/health/ready`,
      `  Temporal UI    ${ui ?? '(external Temporal: set TEMPORAL_UI_URL to show it here)'}`,
      `                 payloads are sealed; decoded through ${api}/cmm/codec for a CMM token (README: Codec server)`,
      `  Temporal       ${temporalAddress}  (namespace ${config.TEMPORAL_NAMESPACE})`,
      `  Kafka          ${kafkaBrokers}`,
      `  PostgreSQL     ${localPostgres ? `127.0.0.1:${config.POSTGRES_PORT} (database ${EMBEDDED_DATABASE}; password in ${join(dataDir, 'postgres', 'password')})` : 'DATABASE_URL'}`,
      `  Metrics        ${api}/metrics (gateway)`,
      ...(config.WORKER_METRICS_PORT > 0
        ? [`                 http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics (worker, Temporal SDK)`]
        : []),
      ...(localTemporal
        ? [`                 http://127.0.0.1:${config.TEMPORAL_METRICS_PORT}/metrics (Temporal server)`]
        : []),
      `  Traces         ${tracesLine(config)}`,
      `  Logs           ${logDir}`,
      `  Processes      worker pid ${worker.pid}, gateway pid ${gateway.pid} (restarted with backoff if they die)`,
      `  Token          TOKEN=$(npm run -s token -- --role cmm --org cmm${config.DATA_DIR === '.data' ? '' : ` --data-dir ${config.DATA_DIR}`})`,
      `                 curl -H "Authorization: Bearer $TOKEN" ${api}/cmm/cases`,
      `  Agency inbox   npm run inbox -- --agency iom`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  await supervise({ worker, gateway }, appEnv, logDir);
}

/** Where the apps' traces go (they always carry trace context; spans leave only when configured). */
function tracesLine(config: LauncherConfig): string {
  const exporter = traceExporterOf(config);
  if (exporter === 'none')
    return 'not exported (set OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318)';
  if (exporter === 'console') return 'printed in the logs (OTEL_TRACES_EXPORTER=console)';
  const endpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return `OTLP to ${endpoint ?? 'http://localhost:4318 (the SDK default)'}`;
}

/** An app up this long before it dies starts its backoff over. */
const STABLE_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps the worker and the gateway running: one that dies is restarted with backoff (1 s, 2 s, 4 s … 30 s),
 * and the log says why (its exit and last lines). A server (Temporal, Kafka, PostgreSQL) that dies takes the
 * whole system down with a non-zero exit: the apps cannot do without it. Returns when stopping.
 */
async function supervise(
  apps: Record<'worker' | 'gateway', ManagedProcessInternal>,
  env: NodeJS.ProcessEnv,
  logDir: string,
): Promise<void> {
  const restarts = { worker: 0, gateway: 0 };
  const startedAt = { worker: Date.now(), gateway: Date.now() };
  for (;;) {
    const died = await Promise.race(running.map((proc) => proc.exited.then((code) => ({ proc, code }))));
    if (isStopping()) return;
    const name = died.proc.name;
    if (name !== 'worker' && name !== 'gateway') {
      throw new DevstackError(`${name} stopped unexpectedly (exit ${String(died.code)})`, 'DIED');
    }
    const app = apps[name];
    if (Date.now() - startedAt[name] > STABLE_AFTER_MS) restarts[name] = 0;
    restarts[name] += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (restarts[name] - 1));
    const tail = app.tail(15).trim();
    say(
      `${name} stopped unexpectedly (exit ${String(died.code)}); restarting it in ${delay / 1000} s (restart ${restarts[name]})` +
        (tail ? `; its last lines:\n${tail}` : ''),
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (isStopping()) return;
    const again = await startApp(name, env, logDir);
    running.splice(running.indexOf(app), 1, again);
    apps[name] = again;
    startedAt[name] = Date.now();
    say(`${name} restarted (pid ${again.pid})`);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) return;
  say(`${signal}: stopping…`);
  void stopAll().then(() => {
    say('stopped');
    process.exit(0);
  });
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// One clear line on a Node that is too old (npm start brings its own; `tsx scripts/start.ts` may not).
const nodeVersion = parseNodeVersion(process.versions.node);
if (nodeVersion === undefined || nodeVersion.major < MIN_NODE.major) {
  process.stderr.write(
    `[start] Node ${process.version} is too old: this service needs Node ${MIN_NODE.major} or newer (\`npm start\` brings its own into .tools/node)\n`,
  );
  process.exit(1);
}
say(`Node ${process.version} (${process.execPath})`);

let config: LauncherConfig;
try {
  config = loadConfig(launcherEnvSchema);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
}
main(config).catch(async (error: unknown) => {
  const message = error instanceof DevstackError ? error.message : describeBootFailure(error);
  process.stderr.write(`\n[start] failed: ${message}\n`);
  await stopAll();
  process.exit(1);
});
