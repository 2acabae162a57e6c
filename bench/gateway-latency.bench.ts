import { it } from 'vitest';
import { inject } from 'vitest';
import { startGateway } from '../test/support/gateway-harness.js';

/**
 * Gateway latency on the real servers (`npm run bench`): prints figures, asserts nothing about speed.
 * Each figure is N sequential requests from one client; the gateway and the worker share this process.
 * Issue 5 names no target, so none is printed beside the figures.
 */
const N = Number(process.env['BENCH_REQUESTS'] ?? 300);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, call: (i: number) => Promise<number>): Promise<string> {
  for (let i = 0; i < 10; i += 1) await call(-1 - i); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i += 1) {
    const t = performance.now();
    const status = await call(i);
    times.push(performance.now() - t);
    if (status >= 500) throw new Error(`${label}: status ${status}`);
  }
  const wall = (performance.now() - started) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  const f = (ms: number) => ms.toFixed(1).padStart(7);
  return `${label.padEnd(52)} p50 ${f(percentile(sorted, 50))} ms  p95 ${f(percentile(sorted, 95))} ms  p99 ${f(percentile(sorted, 99))} ms  ${(N / wall).toFixed(0).padStart(5)} req/s`;
}

it('gateway latency', { timeout: 600_000 }, async () => {
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue: `bench-${Date.now()}`,
  });
  try {
    const [cmm, dis, police] = await Promise.all([
      system.token('cmm', 'cmm'),
      system.token('dis', 'dis'),
      system.token('police', 'nec'),
    ]);
    const ref = (await system.open(police, 'police', { facts: { hasLegalStay: true, age: 'adult' } }))
      .caseRef;
    const rssBefore = process.memoryUsage().rss;
    const lines = [
      `gateway latency, ${N} sequential requests each (gateway + worker in one process, real Temporal dev server and Kafka)`,
      await measure(
        '401 no token (authentication only)',
        async () => (await system.call('GET', `/cmm/cases/${ref}`)).status,
      ),
      await measure(
        '403 WRONG_ROLE (JWT verified, role refused)',
        async () => (await system.call('GET', `/police/cases/${ref}`, { token: dis })).status,
      ),
      await measure(
        '404 foreign case (scope check: one query)',
        async () => (await system.call('GET', `/police/cases/PW-000000000000`, { token: police })).status,
      ),
      await measure(
        'GET case view (query + field filter)',
        async () => (await system.call('GET', `/police/cases/${ref}`, { token: police })).status,
      ),
      await measure(
        'POST act recordInterview (query + Update + events)',
        async () => (await system.act(cmm, 'cmm', ref, 'recordInterview')).status,
      ),
      await measure(
        'POST act, replayed Idempotency-Key (no effect)',
        async () =>
          (await system.act(cmm, 'cmm', ref, 'recordInterview', {}, 'bench-replayed-key-0001')).status,
      ),
      await measure(
        'GET /cmm/cases?stage=interviewing (visibility)',
        async () =>
          (await system.call('GET', '/cmm/cases?stage=interviewing&limit=20', { token: cmm })).status,
      ),
      `process RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB after`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  } finally {
    await system.close();
  }
});
