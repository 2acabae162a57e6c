#!/usr/bin/env node
// Runs a command on a maintained Node: the one on PATH when it is new enough, else the project's own copy
// from the npm registry's `node` package in .tools/node (fetched once, with visible progress). Plain
// JavaScript on purpose: it must run on the old Node it replaces.
//
//   node scripts/with-node.mjs <command> [args…]   run the command with that Node first on PATH
//   node scripts/with-node.mjs --print-path         print the directory to put first on PATH (for .ci/run)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
/** The major the project needs (`engines.node` is `>=<major>`). */
const needed = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
if (!Number.isInteger(needed)) {
  console.error(`[node] package.json engines.node must read ">=<major>", not "${engines}"`);
  process.exit(2);
}
const ownDir = join(root, '.tools', 'node');
const ownBin = join(ownDir, 'node_modules', '.bin');

const majorOf = (version) => Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);

/** The `bin` directory of a Node ≥ needed: none when the running one is new enough. */
function nodeBin() {
  if (majorOf(process.version) >= needed) return undefined;
  const own = join(ownBin, 'node');
  if (existsSync(own)) {
    const version = spawnSync(own, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (majorOf(version) >= needed) return ownBin;
  }
  console.error(
    `[node] Node ${process.version} is older than this service needs (${engines}; Node 20 reached end of ` +
      `life on 2026-04-30): fetching Node ${needed} from the npm registry into .tools/node (about 50 MB, once)…`,
  );
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const installed = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      ownDir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `node@${needed}`,
    ],
    // Its output goes to standard error: standard output is this script's answer (`--print-path`).
    { stdio: ['ignore', 2, 2] },
  );
  const version = existsSync(own) ? spawnSync(own, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (installed.status !== 0 || majorOf(version) < needed) {
    console.error(`[node] could not install Node ${needed} into .tools/node (npm exit ${installed.status})`);
    process.exit(1);
  }
  console.error(
    `[node] Node ${version} ready in .tools/node in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return ownBin;
}

const bin = nodeBin();
const args = process.argv.slice(2);
if (args[0] === '--print-path') {
  console.log(bin ?? dirname(process.execPath));
  process.exit(0);
}
if (args.length === 0) {
  console.error('usage: node scripts/with-node.mjs <command> [args…] | --print-path');
  process.exit(2);
}
const env = { ...process.env };
if (bin !== undefined) env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
const child = spawn(args[0], args.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
// Ctrl-C reaches the child with the rest of the terminal's process group: wait for it to stop. A SIGTERM
// sent to this process alone (a supervisor, `kill`) is passed on.
const onInterrupt = () => undefined;
const onTerminate = () => child.kill('SIGTERM');
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onTerminate);
child.on('exit', (code, signal) => {
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onTerminate);
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
