import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DevstackError } from './errors.js';
import { runningManagedPids, spawnManaged, untilReadyOrExit } from './process.js';

const node = process.execPath;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('spawnManaged', () => {
  it('stops a process with SIGTERM and reports it gone', async () => {
    const proc = await spawnManaged({
      name: 'sleeper',
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      stopTimeoutMs: 5_000,
    });
    expect(alive(proc.pid)).toBe(true);
    expect(runningManagedPids()).toContain(proc.pid);
    await proc.stop();
    expect(await proc.exited).toBeNull(); // ended by the signal
    expect(alive(proc.pid)).toBe(false);
    expect(runningManagedPids()).not.toContain(proc.pid);
    await proc.stop(); // idempotent
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const lines: string[] = [];
    const proc = await spawnManaged({
      name: 'stubborn',
      command: node,
      args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"],
      stopTimeoutMs: 300,
      log: (line) => lines.push(line),
    });
    while (!proc.tail().includes('up')) await delay(20);
    const started = Date.now();
    await proc.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(alive(proc.pid)).toBe(false);
    expect(lines.join('\n')).toContain('sending SIGKILL');
  });

  it('fails clearly when the program does not exist', async () => {
    await expect(
      spawnManaged({ name: 'ghost', command: '/nonexistent/ghost', args: [], stopTimeoutMs: 100 }),
    ).rejects.toThrow('cannot start ghost (/nonexistent/ghost): not found');
  });
});

describe('untilReadyOrExit', () => {
  it('rejects with the last lines of output when the process exits before it is ready', async () => {
    const proc = await spawnManaged({
      name: 'crasher',
      command: node,
      args: ['-e', "for (let i = 1; i <= 30; i++) console.error('line ' + i); process.exit(7)"],
      stopTimeoutMs: 1_000,
    });
    const never = (signal: AbortSignal) =>
      new Promise<void>((_, reject) => {
        signal.addEventListener('abort', () => {
          reject(new Error('aborted'));
        });
      });
    const error = await untilReadyOrExit(proc, never, (tail) =>
      tail.includes('line 30') ? 'a hint' : undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    const message = (error as DevstackError).message;
    expect((error as DevstackError).code).toBe('EXITED_EARLY');
    expect(message).toContain('crasher exited (code 7) before it was ready');
    expect(message).toContain('a hint');
    expect(message).toContain('line 30');
    expect(message).toContain('line 11');
    expect(message).not.toContain('line 10\n');
  });

  it('stops the process and keeps its output when readiness fails', async () => {
    const proc = await spawnManaged({
      name: 'slowpoke',
      command: node,
      args: ['-e', "console.log('booting'); setInterval(() => {}, 1000)"],
      stopTimeoutMs: 1_000,
    });
    while (!proc.tail().includes('booting')) await delay(20);
    const error = await untilReadyOrExit(proc, () => Promise.reject(new Error('not ready within 1 s'))).catch(
      (e: unknown) => e,
    );
    expect((error as DevstackError).code).toBe('NOT_READY');
    expect((error as Error).message).toMatch(
      /^not ready within 1 s\n--- last lines of slowpoke's output ---\nbooting$/,
    );
    expect(alive(proc.pid)).toBe(false);
  });
});
