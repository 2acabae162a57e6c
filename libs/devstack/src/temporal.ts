import { access, constants, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { DevstackError, formatSeconds, type Logger } from './errors.js';
import { assertPortFree, connectHost } from './ports.js';
import { publicView, spawnManaged, untilReadyOrExit, type ManagedProcess } from './process.js';
import { retryUntil } from './wait.js';

const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 60_000;

export interface TemporalDevServerOptions {
  /** The Temporal CLI binary (ToolPaths.temporalCli). */
  cli: string;
  /** The SQLite database is `<dataDir>/temporal.sqlite`: state survives restarts. */
  dataDir: string;
  host: string;
  port: number;
  /** Web UI port; undefined = headless. */
  uiPort?: number;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** The server's Prometheus endpoint (`/metrics`); undefined = a random port (the CLI's default). */
  metricsPort?: number;
  /** Created at launch (besides "default"). */
  namespace: string;
  log: Logger;
  /** Append the server's output here; otherwise it is kept in memory only (last lines, for errors). */
  logFile?: string;
}

/** The arguments of `temporal server start-dev` for these options (flag names checked against CLI 1.9.1). */
export function temporalDevServerArgs(
  opts: Omit<TemporalDevServerOptions, 'cli' | 'log' | 'logFile'>,
): string[] {
  const args = ['server', 'start-dev', '--ip', opts.host, '--port', String(opts.port)];
  if (opts.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
  if (opts.uiPort !== undefined && opts.uiCodecEndpoint !== undefined) {
    args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  }
  if (opts.metricsPort !== undefined) args.push('--metrics-port', String(opts.metricsPort));
  args.push(
    '--db-filename',
    join(opts.dataDir, 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--namespace',
    opts.namespace,
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--log-level',
    'warn',
    '--color',
    'never',
  );
  return args;
}

async function waitForTemporalInternal(
  address: string,
  timeoutMs: number,
  signal?: AbortSignal,
  namespace?: string,
) {
  await retryUntil(
    async (remainingMs) => {
      const connection = Connection.lazy({
        address,
        connectTimeout: Math.max(250, Math.min(remainingMs, 2_000)),
      });
      try {
        await connection.ensureConnected(); // waits for the channel, then calls workflowService.getSystemInfo
        if (namespace !== undefined) {
          await connection.workflowService.describeNamespace({ namespace });
        }
      } finally {
        await connection.close();
      }
    },
    {
      timeoutMs,
      intervalMs: 200,
      signal,
      onTimeout: (last) =>
        new DevstackError(
          `Temporal at ${address} was not ready within ${formatSeconds(timeoutMs)}` +
            `${namespace !== undefined ? ` (namespace "${namespace}")` : ''}: ${last}`,
          'NOT_READY',
        ),
    },
  );
}

/**
 * Waits until a Temporal frontend at `address` (host:port) answers (connection + getSystemInfo).
 * Throws a DevstackError naming the address after `timeoutMs`.
 */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  await waitForTemporalInternal(address, timeoutMs);
}

/**
 * Starts `temporal server start-dev` with SQLite persistence in `dataDir` and waits until it serves
 * `namespace`. Resolves with the running process; stop() sends SIGTERM, waits up to 10 s, then SIGKILL.
 * Restart only after the previous server's stop() resolved: two servers on one SQLite file fail with
 * SQLITE_BUSY.
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<ManagedProcess> {
  try {
    await access(opts.cli, constants.X_OK);
  } catch {
    throw new DevstackError(
      `Temporal CLI not found (or not executable) at ${opts.cli}: run \`npm run provision\` first`,
      'TOOL_MISSING',
    );
  }
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  await assertPortFree(opts.port, 'TEMPORAL_PORT', opts.host);
  if (opts.uiPort !== undefined) await assertPortFree(opts.uiPort, 'TEMPORAL_UI_PORT', opts.host);

  const address = `${connectHost(opts.host)}:${opts.port}`;
  const started = Date.now();
  opts.log(
    `[temporal] starting dev server on ${address}` +
      (opts.uiPort === undefined
        ? ' (headless)'
        : `, UI on http://${connectHost(opts.host)}:${opts.uiPort}`) +
      `, db ${join(dataDir, 'temporal.sqlite')}`,
  );
  const proc = await spawnManaged({
    name: 'temporal',
    command: opts.cli,
    args: temporalDevServerArgs({ ...opts, dataDir }),
    logFile: opts.logFile,
    stopTimeoutMs: STOP_GRACE_MS,
    log: opts.log,
  });
  await untilReadyOrExit(
    proc,
    (signal) => waitForTemporalInternal(address, READY_TIMEOUT_MS, signal, opts.namespace),
    (tail) =>
      /SQLITE_BUSY|database is locked/i.test(tail)
        ? `The database ${join(dataDir, 'temporal.sqlite')} is locked: another Temporal dev server (maybe one still ` +
          'shutting down) uses it. Stop it, wait until it has exited, then start again.'
        : undefined,
  );
  opts.log(
    `[temporal] ready on ${address} (namespace "${opts.namespace}") in ${formatSeconds(Date.now() - started)}`,
  );
  return publicView(proc);
}
