import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DevstackError } from './errors.js';

/** A server process started by devstack. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (null when ended by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** A ManagedProcess plus what its starter needs to diagnose it. */
export interface ManagedProcessInternal extends ManagedProcess {
  /** The last lines the process wrote (stdout and stderr interleaved). */
  tail(lines?: number): string;
  /** True once the process has exited. */
  hasExited(): boolean;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Children must not outlive this process. They are spawned non-detached (same process group, so a Ctrl-C in
 * a terminal reaches them too), and on this process's 'exit' every one still running gets SIGKILL.
 *
 * 'exit' does not run when this process dies of a signal it does not handle. So for SIGINT, SIGTERM and
 * SIGHUP a listener is added that acts only when it is the sole listener for that signal (i.e. the
 * application did not take over that signal): it sends SIGTERM to the running children (they shut down
 * cleanly on their own) and re-raises the signal, so this process still ends as it would have. An
 * application that handles these signals itself should call stop() on its processes; the 'exit' hook remains
 * the last resort. Nothing helps against SIGKILL of this process: this is best effort.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killAll('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return; // the application handles this signal
      killAll('SIGTERM');
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal); // default action: end as if we had not listened
    };
    process.on(signal, onSignal);
  }
}

function killAll(signal: NodeJS.Signals): void {
  for (const child of running) {
    try {
      child.kill(signal);
    } catch {
      // best effort
    }
  }
}

/** The pids of managed children still running. */
export function runningManagedPids(): number[] {
  return [...running].map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
}

export interface SpawnManagedOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Append the process's output here; otherwise it is only kept in memory (last lines, for error messages). */
  logFile?: string;
  /** Grace period between SIGTERM and SIGKILL in stop(). */
  stopTimeoutMs: number;
  /** Called with progress lines such as "stopped in 2.1 s". */
  log?: (line: string) => void;
  /** The signal stop() sends first (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

const TAIL_KEEP = 200;

export async function spawnManaged(options: SpawnManagedOptions): Promise<ManagedProcessInternal> {
  installExitHook();
  let logStream: WriteStream | undefined;
  if (options.logFile !== undefined) {
    await mkdir(dirname(options.logFile), { recursive: true });
    logStream = createWriteStream(options.logFile, { flags: 'a' });
    logStream.write(
      `\n--- ${new Date().toISOString()} devstack starting ${options.name}: ${options.command} ${options.args.join(' ')}\n`,
    );
  }

  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });

  const tailBuffer: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    logStream?.write(chunk);
    const text = partial[stream] + chunk.toString('utf8');
    const lines = text.split(/\r?\n/);
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      tailBuffer.push(line);
      if (tailBuffer.length > TAIL_KEEP) tailBuffer.shift();
    }
  };
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));

  let exitedFlag = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitedFlag = true;
      running.delete(child);
      resolve(code);
    });
  });

  await new Promise<void>((resolve, reject) => {
    let spawned = false;
    child.once('spawn', () => {
      spawned = true;
      running.add(child);
      resolve();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (spawned) return; // e.g. a failed kill(): the exit handling covers what matters
      logStream?.end();
      reject(
        new DevstackError(
          `cannot start ${options.name} (${options.command}): ${error.code === 'ENOENT' ? 'not found' : error.message}`,
          'START_FAILED',
        ),
      );
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new DevstackError(`cannot start ${options.name}: no pid`, 'START_FAILED');

  // 'close' = exited and its output drained; the log stream is ended then.
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest.trim() !== '') tailBuffer.push(rest);
      partial.stdout = '';
      partial.stderr = '';
      if (logStream)
        logStream.end(() => {
          resolve();
        });
      else resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const started = Date.now();
      if (!exitedFlag) {
        child.kill(options.stopSignal ?? 'SIGTERM');
        const inTime = await Promise.race([
          exited.then(() => true),
          delay(options.stopTimeoutMs, undefined, { ref: false }).then(() => false),
        ]);
        if (!inTime) {
          options.log?.(
            `[${options.name}] did not exit within ${options.stopTimeoutMs / 1000} s of ${options.stopSignal ?? 'SIGTERM'}; sending SIGKILL`,
          );
          child.kill('SIGKILL');
          await exited;
        }
        options.log?.(`[${options.name}] stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      await Promise.race([closed, delay(2_000, undefined, { ref: false })]);
    })();
    return stopping;
  };

  return {
    name: options.name,
    pid,
    exited,
    stop,
    hasExited: () => exitedFlag,
    tail: (lines = 20) => tailBuffer.slice(-lines).join('\n'),
  };
}

/** The public face of a managed process (no diagnostics hooks). */
export function publicView(proc: ManagedProcess): ManagedProcess {
  return { name: proc.name, pid: proc.pid, exited: proc.exited, stop: () => proc.stop() };
}

/**
 * Waits for `ready` while watching the process: if it exits first, or `ready` fails, the process is stopped
 * and a DevstackError carries the last lines of its output (plus `hint(tail)` when given).
 */
export async function untilReadyOrExit(
  proc: ManagedProcessInternal,
  ready: (signal: AbortSignal) => Promise<void>,
  hint?: (tail: string) => string | undefined,
): Promise<void> {
  const controller = new AbortController();
  const outcome = await Promise.race([
    ready(controller.signal).then(
      () => ({ kind: 'ready' as const }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    ),
    proc.exited.then((code) => ({ kind: 'exited' as const, code })),
  ]);
  if (outcome.kind === 'ready') return;
  controller.abort();
  if (outcome.kind === 'exited') {
    await delay(100); // let the last output arrive
  } else {
    await proc.stop();
  }
  const tail = proc.tail(20);
  const extra = hint?.(tail);
  const head =
    outcome.kind === 'exited'
      ? `${proc.name} exited (code ${String(outcome.code)}) before it was ready`
      : outcome.error instanceof Error
        ? outcome.error.message
        : String(outcome.error);
  throw new DevstackError(
    `${head}${extra ? `\n${extra}` : ''}\n--- last lines of ${proc.name}'s output ---\n${tail || '(no output)'}`,
    outcome.kind === 'exited' ? 'EXITED_EARLY' : 'NOT_READY',
  );
}
