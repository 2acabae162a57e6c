/**
 * The drill's own system: a Temporal dev server and a Kafka broker on free ports with data directories of
 * their own (so either can be stopped, even with `kill -9`, and started again on the same data), and the real
 * worker and gateway as child processes (their `main.ts` through tsx, configured by the environment as
 * `npm start` configures them), so they can be killed and started again.
 *
 * Everything started here is stopped by `stop()`; children are never detached, so the devstack exit hook
 * kills what a crash of this process leaves behind.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  getFreePort,
  provision,
  startKafka,
  startPostgres,
  startTemporalDevServer,
  type ManagedProcess,
  type RunningPostgres,
  type ToolPaths,
} from '../../libs/devstack/src/index.js';
import {
  appMemoryEnv,
  appNodeArgs,
  spawnManaged,
  type ManagedProcessInternal,
} from '../../libs/devstack/src/index.js';
import { launcherEnvSchema, loadConfig } from '../../libs/config/src/index.js';
import { ensureLocalSigningKeys, readLocalSigningKey } from '../../libs/auth/src/index.js';
import type { Role } from '../../libs/contracts/src/index.js';
import { bundleWorkflows } from '../../scripts/bundle-workflows.js';
import { localToken } from '../support/local-token.js';
import { repoRoot } from '../../scripts/repo-root.js';

export type Log = (line: string) => void;

export type AppName = 'worker' | 'gateway';

/** A worker or gateway child process, restarted by its supervisor when it exits on its own. */
interface App {
  proc: ManagedProcessInternal | undefined;
  /** Set while the drill itself stops or kills the app: such an exit is not a crash. */
  expectedExit: boolean;
  /** Exits the drill did not cause (the app crashed or gave up), restarted by the supervisor. */
  crashes: number;
  lastCrash?: string;
}

export interface DrillStackOptions {
  readonly log: Log;
  /** Keep the scratch directory (servers' data and logs) after stop, for a look at the logs. */
  readonly keep?: boolean;
  /**
   * Run the apps from their sources through tsx (the default), or from `dist/` as production runs them
   * (`npm run build` first; the benchmark's memory figures are taken so).
   */
  readonly appsFrom?: 'source' | 'build';
}

const APP_STOP_GRACE_MS = 15_000;

export class DrillStack {
  readonly scratch: string;
  private readonly log: Log;
  private paths: ToolPaths | undefined;
  private temporal: ManagedProcess | undefined;
  private kafka: ManagedProcess | undefined;
  private postgres: RunningPostgres | undefined;
  private postgresPort = 0;
  private databaseUrl = '';
  private temporalPort = 0;
  private kafkaPort = 0;
  private controllerPort = 0;
  private gatewayPort = 0;
  private bundle = '';
  private jwksPath = '';
  private keysDir = '';
  private taskQueue = 'drill';
  private readonly apps: Record<AppName, App> = {
    worker: { proc: undefined, expectedExit: false, crashes: 0 },
    gateway: { proc: undefined, expectedExit: false, crashes: 0 },
  };
  private stopped = false;

  private constructor(scratch: string, options: DrillStackOptions) {
    this.scratch = scratch;
    this.log = options.log;
  }

  static async create(options: DrillStackOptions): Promise<DrillStack> {
    const scratch = await mkdtemp(join(tmpdir(), 'victim-pathway-drill-'));
    const stack = new DrillStack(scratch, options);
    stack.keep = options.keep === true;
    stack.appsFrom = options.appsFrom ?? 'source';
    return stack;
  }

  private keep = false;
  private appsFrom: 'source' | 'build' = 'source';

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  get currentTaskQueue(): string {
    return this.taskQueue;
  }

  get logDir(): string {
    return join(this.scratch, 'logs');
  }

  /** Provisions (no-op when present), picks ports, builds the workflow bundle, starts both servers. */
  async start(): Promise<void> {
    const toolsDir = join(repoRoot, process.env['TOOLS_DIR'] ?? '.tools');
    this.paths = await provision({ toolsDir, log: this.log, only: ['temporal', 'kafka'] });
    this.temporalPort = await getFreePort();
    this.kafkaPort = await getFreePort();
    this.controllerPort = await getFreePort();
    this.gatewayPort = await getFreePort();
    this.postgresPort = await getFreePort();
    // PostgreSQL runs as the postgres user when we are root: it must be able to reach its folder.
    await chmod(this.scratch, 0o755);
    const keys = await ensureLocalSigningKeys(join(this.scratch, 'auth'));
    this.jwksPath = keys.jwksPath;
    this.keysDir = keys.dir;
    await mkdir(this.logDir, { recursive: true });
    const bundleStarted = performance.now();
    const [bundle] = await Promise.all([
      bundleWorkflows(join(this.scratch, 'workflow-bundle.js')),
      this.startTemporal(),
      this.startKafka(),
      this.startPostgres(),
    ]);
    this.bundle = bundle;
    this.log(`[drill] servers up, workflow bundle in ${seconds(bundleStarted)}`);
  }

  /** Starts the Temporal dev server on its port and data, unless it runs. */
  async startTemporal(): Promise<void> {
    if (this.paths === undefined) throw new Error('DrillStack.start() first');
    if (this.temporal !== undefined) return;
    this.temporal = await startTemporalDevServer({
      cli: this.paths.temporalCli,
      dataDir: join(this.scratch, 'temporal'),
      host: '127.0.0.1',
      port: this.temporalPort,
      namespace: 'default',
      log: this.log,
      logFile: join(this.logDir, 'temporal.log'),
    });
  }

  /** Starts the broker on its ports and data (the log survives), unless it runs. */
  async startKafka(): Promise<void> {
    if (this.paths === undefined) throw new Error('DrillStack.start() first');
    if (this.kafka !== undefined) return;
    this.kafka = await startKafka({
      paths: this.paths,
      dataDir: join(this.scratch, 'kafka-data'),
      host: '127.0.0.1',
      port: this.kafkaPort,
      controllerPort: this.controllerPort,
      heapMb: 384,
      log: this.log,
      logFile: join(this.logDir, 'kafka.log'),
    });
  }

  /** Starts PostgreSQL (the gateway's access-log outbox) on its port and data, unless it runs. */
  async startPostgres(): Promise<void> {
    if (this.postgres !== undefined) return;
    this.postgres = await startPostgres({
      dir: join(this.scratch, 'postgres'),
      host: '127.0.0.1',
      port: this.postgresPort,
      log: this.log,
      logFile: join(this.logDir, 'postgres.log'),
    });
    this.databaseUrl = this.postgres.databaseUrl;
  }

  /** SIGTERM (controlled shutdown), SIGKILL after the grace period. */
  async stopKafka(): Promise<void> {
    await this.kafka?.stop();
    this.kafka = undefined;
  }

  /** `how`: 'SIGTERM' (graceful stop) or 'SIGKILL' (`kill -9`). */
  async stopTemporal(how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const temporal = this.temporal;
    if (temporal === undefined) return;
    if (how === 'SIGKILL') {
      process.kill(temporal.pid, 'SIGKILL');
      await temporal.exited;
    }
    await temporal.stop();
    this.temporal = undefined;
  }

  /** A real token signed by the keys the gateway trusts. */
  async token(role: Role, org: string): Promise<string> {
    return localToken(await readLocalSigningKey(this.keysDir), role, org);
  }

  /** Points the next apps at a task queue of their own (each drill has one, so its figures are its own). */
  useTaskQueue(taskQueue: string): void {
    this.taskQueue = taskQueue;
  }

  private appEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      KAFKA_BROKERS: this.kafkaBrokers,
      DATABASE_URL: this.databaseUrl,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(this.gatewayPort),
      AUTH_JWKS_PATH: this.jwksPath,
      PERSON_KEYRING_DIR: join(dirname(this.jwksPath), 'keys'),
      PAYLOAD_KEYRING_DIR: join(dirname(this.jwksPath), 'keys'),
      AUTH_JWKS_URL: '',
      WORKER_BUNDLE_PATH: this.bundle,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: 'warn',
      // A killed worker's successor must not find the metrics port still held: no metrics endpoint here.
      WORKER_METRICS_PORT: '0',
    };
  }

  /** Starts the app (once); a supervisor restarts it after an exit the drill did not cause. */
  async startApp(name: AppName): Promise<void> {
    const app = this.apps[name];
    if (app.proc !== undefined && !app.proc.hasExited()) return;
    const env = this.appEnv();
    if (env['AUTH_JWKS_URL'] === '') delete env['AUTH_JWKS_URL'];
    const launcher = loadConfig(launcherEnvSchema, env);
    const proc = await spawnManaged({
      name,
      command: process.execPath,
      args: [
        // As `npm start` runs them: each app's memory set by configuration (ADR 0022).
        ...appNodeArgs({ heapMb: name === 'worker' ? launcher.WORKER_HEAP_MB : launcher.GATEWAY_HEAP_MB }),
        ...(this.appsFrom === 'build'
          ? ['--enable-source-maps', join(repoRoot, 'dist', 'apps', name, 'src', 'main.js')]
          : ['--enable-source-maps', '--import', 'tsx', join(repoRoot, 'apps', name, 'src', 'main.ts')]),
      ],
      cwd: repoRoot,
      env: appMemoryEnv(env),
      logFile: join(this.logDir, `${name}.log`),
      stopTimeoutMs: APP_STOP_GRACE_MS,
    });
    app.proc = proc;
    app.expectedExit = false;
    void proc.exited.then(async (code) => {
      if (app.proc !== proc || app.expectedExit || this.stopped) return;
      app.crashes += 1;
      app.lastCrash = `exit ${String(code)}: ${proc.tail(3).replace(/\s+/g, ' ').slice(0, 300)}`;
      this.log(`[drill] ${name} exited on its own (${app.lastCrash}); restarting it in 1 s`);
      await delay(1000);
      if (app.proc === proc && !app.expectedExit && !this.stopped) await this.startApp(name);
    });
  }

  /** `kill -9` the app and wait until it has gone. */
  async killApp(name: AppName): Promise<void> {
    const app = this.apps[name];
    const proc = app.proc;
    if (proc === undefined || proc.hasExited()) return;
    app.expectedExit = true;
    process.kill(proc.pid, 'SIGKILL');
    await proc.exited;
    await proc.stop();
  }

  /** SIGTERM, SIGKILL after the grace period. */
  async stopApp(name: AppName): Promise<void> {
    const app = this.apps[name];
    const proc = app.proc;
    if (proc === undefined) return;
    app.expectedExit = true;
    await proc.stop();
  }

  async stopApps(): Promise<void> {
    await Promise.all([this.stopApp('gateway'), this.stopApp('worker')]);
  }

  /** The app's process id while it runs (for its memory figures). */
  pidOf(name: AppName): number | undefined {
    const proc = this.apps[name].proc;
    return proc === undefined || proc.hasExited() ? undefined : proc.pid;
  }

  crashes(): Record<AppName, number> {
    return { worker: this.apps.worker.crashes, gateway: this.apps.gateway.crashes };
  }

  resetCrashes(): void {
    this.apps.worker.crashes = 0;
    this.apps.gateway.crashes = 0;
  }

  /** Waits until the gateway listens (any answer on /health) or `timeoutMs` passes. */
  async waitForGatewayListening(timeoutMs: number): Promise<boolean> {
    return this.pollHealth('/health', (status) => status === 200, timeoutMs);
  }

  /** Waits until /health/ready answers 200 or `timeoutMs` passes. */
  async waitForReady(timeoutMs: number): Promise<boolean> {
    return this.pollHealth('/health/ready', (status) => status === 200, timeoutMs);
  }

  private async pollHealth(
    path: string,
    ok: (status: number) => boolean,
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const status = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(3000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (ok(status)) return true;
      await delay(250);
    }
    return false;
  }

  /** Stops apps first, then the servers; removes the scratch directory unless asked to keep it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopApps().catch(() => undefined);
    await Promise.allSettled([this.kafka?.stop(), this.temporal?.stop(), this.postgres?.stop()]);
    this.kafka = undefined;
    this.temporal = undefined;
    this.postgres = undefined;
    if (!this.keep) await rm(this.scratch, { recursive: true, force: true });
    else this.log(`[drill] kept ${this.scratch} (logs in ${this.logDir})`);
  }
}

export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
