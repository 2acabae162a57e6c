/**
 * `npm run build:console`: the caseworker console (ADR 0018) type-checked and built by Vite into
 * `dist/console`, which the gateway serves at `/`. `npm start` calls `buildConsoleIfStale()`: it builds only
 * when the build is missing or older than the console's sources (or the OpenAPI types they compile against).
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './repo-root.js';

export const CONSOLE_SOURCE_DIR = join(repoRoot, 'apps', 'console');
export const CONSOLE_BUILD_DIR = join(repoRoot, 'dist', 'console');
const BUILT_PAGE = join(CONSOLE_BUILD_DIR, 'index.html');

async function newestFile(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** True when `dist/console` is missing or older than a file of `apps/console` (or package-lock.json). */
export async function consoleBuildIsStale(): Promise<boolean> {
  const built = await stat(BUILT_PAGE).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built === 0) return true;
  const sources = Math.max(
    await newestFile(CONSOLE_SOURCE_DIR),
    (await stat(join(repoRoot, 'package-lock.json'))).mtimeMs,
  );
  return sources > built;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(join(repoRoot, 'node_modules', '.bin', command), args, {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code === 0) done();
      else fail(new Error(`${command} ${args.join(' ')} failed (exit ${String(code)})`));
    });
  });
}

/** Type-checks the console and builds it with Vite into `dist/console`. */
export async function buildConsole(log: (line: string) => void = () => undefined): Promise<void> {
  const started = performance.now();
  log('building the console (tsc + vite)…');
  await run('tsc', ['-p', join('apps', 'console', 'tsconfig.json'), '--noEmit']);
  await run('vite', ['build', '--config', join('apps', 'console', 'vite.config.ts'), '--logLevel', 'warn']);
  log(`console built in ${((performance.now() - started) / 1000).toFixed(1)} s (${CONSOLE_BUILD_DIR})`);
}

/** Builds the console unless its build is current; says which. */
export async function buildConsoleIfStale(log: (line: string) => void): Promise<void> {
  if (await consoleBuildIsStale()) await buildConsole(log);
  else log('console build is current');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildConsole((line) => {
    process.stdout.write(`${line}\n`);
  });
}
