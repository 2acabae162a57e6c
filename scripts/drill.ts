/**
 * `npm run drill [-- --short] [-- --only a,c] [-- --keep]`: fault drills on the system's own real servers.
 *
 * Starts a Temporal dev server and a Kafka broker on free ports (never `npm start`'s) with data directories of
 * their own, runs the real worker and gateway as child processes, and while a driver makes acts on many cases
 * over HTTP (real tokens, an Idempotency-Key on every request, retries on 503 and connection errors) runs:
 *   (a) `kill -9` of the worker, (b) Kafka stop/restart, (c) Temporal SIGTERM and `kill -9` with restarts,
 *   (d) Kafka down before the first send of a fresh worker and gateway.
 * Then it reads every topic from the beginning and Temporal's visibility, and prints per drill the events
 * expected / delivered / delivered twice / lost / out of order, failed workflows, duplicate cases, HTTP
 * answers by status and the longest answer. Exit code 1 when a target (0 lost, 0 out of order, 0 failed
 * workflows, 0 duplicate cases, no 5xx but 503) is missed. Ctrl-C stops everything it started.
 */
import { parseArgs } from 'node:util';
import { DrillStack } from '../test/drill/drill-stack.js';
import {
  FULL_PLAN,
  SHORT_PLAN,
  formatResults,
  runDrills,
  type DrillName,
  type DrillResult,
} from '../test/drill/drills.js';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      short: { type: 'boolean', default: false },
      only: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    say('usage: npm run drill [-- --short] [-- --only a,b,c,d] [-- --keep]');
    say('  --short  small counts (as in npm test); --only  some drills; --keep  keep data and logs');
    return 0;
  }
  const names = (values.only ?? 'a,b,c,d')
    .split(',')
    .map((n) => n.trim())
    .filter((n): n is DrillName => ['a', 'b', 'c', 'd'].includes(n));
  if (names.length === 0) {
    say('--only takes drill names a, b, c, d (comma-separated)');
    return 2;
  }
  const plan = values.short ? SHORT_PLAN : FULL_PLAN;
  const started = performance.now();
  const stack = await DrillStack.create({ log: say, keep: values.keep });
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    say(`[drill] ${signal}: stopping everything…`);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let results: DrillResult[];
  try {
    await stack.start();
    results = await runDrills(stack, plan, names, say);
  } finally {
    await stack.stop();
  }
  say(
    `\nFault drills (${plan.form}), ${((performance.now() - started) / 1000).toFixed(0)} s in all:\n` +
      formatResults(results),
  );
  const missed = results.filter((r) => r.misses.length > 0);
  say(
    missed.length === 0
      ? '\nEvery drill met its targets.'
      : `\nTargets missed in drill(s) ${missed.map((r) => r.name).join(', ')}.`,
  );
  return missed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm run drill: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
