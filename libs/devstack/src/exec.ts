import { execFile } from 'node:child_process';

export interface ExecResult {
  ok: boolean;
  /** Exit code, or null when the program could not be started or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (e.g. `ENOENT`: not on PATH). */
  spawnError?: string;
}

/**
 * Runs a program to completion and collects its output; never throws. No shell is involved, so
 * arguments need no quoting.
 */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, code: 0, stdout, stderr });
          return;
        }
        const err = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        if (typeof err.code === 'string') {
          resolve({ ok: false, code: null, stdout, stderr, spawnError: err.code });
          return;
        }
        resolve({
          ok: false,
          code: typeof err.code === 'number' ? err.code : null,
          stdout,
          stderr: err.killed ? `${stderr}\n(killed after ${options.timeoutMs ?? 0} ms)` : stderr,
        });
      },
    );
  });
}

/** The last `count` non-empty lines of a text, for error messages. */
export function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
