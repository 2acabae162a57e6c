import { it } from 'vitest';
import { inject } from 'vitest';
import { startGateway, type RunningGateway } from '../test/support/gateway-harness.js';

/**
 * The payload codec's cost (issue 13, ADR 0015) on the real servers (`npm run bench`): the same act over HTTP
 * on two systems in this process — one sealing Temporal's payloads (the default), one with
 * `PAYLOAD_CODEC=none` — on the same Temporal and Kafka, interleaved request by request so that both see the
 * same machine. Prints figures beside the target (the codec costs at most 10 % at p50); asserts nothing.
 */
const N = Number(process.env['BENCH_REQUESTS'] ?? 300);
const TARGET = 1.1;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Lane {
  readonly label: string;
  readonly system: RunningGateway;
  readonly token: string;
  readonly caseRef: string;
  readonly times: number[];
}

async function lane(label: string, env: Record<string, string>): Promise<Lane> {
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue: `bench-codec-${label}-${Date.now()}`,
    engineEnv: env,
  });
  const token = await system.token('cmm', 'cmm');
  const { caseRef } = await system.open(token, 'cmm', { facts: { hasLegalStay: false, age: 'adult' } });
  return { label, system, token, caseRef, times: [] };
}

const act = async (l: Lane): Promise<number> => {
  const started = performance.now();
  const { status } = await l.system.act(l.token, 'cmm', l.caseRef, 'recordInterview');
  if (status !== 200) throw new Error(`${l.label}: act answered ${status}`);
  return performance.now() - started;
};

it('payload codec: act latency with and without it', { timeout: 900_000 }, async () => {
  const sealed = await lane('sealed', {});
  const clear = await lane('clear', { PAYLOAD_CODEC: 'none' });
  try {
    for (let i = 0; i < 20; i += 1) {
      await act(sealed);
      await act(clear);
    }
    for (let i = 0; i < N; i += 1) {
      // Alternate which goes first, so neither always follows the other.
      const order = i % 2 === 0 ? [sealed, clear] : [clear, sealed];
      for (const l of order) l.times.push(await act(l));
    }
    const f = (ms: number) => ms.toFixed(1).padStart(7);
    const stats = (l: Lane) => {
      const sorted = [...l.times].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
    };
    const withCodec = stats(sealed);
    const without = stats(clear);
    const ratio = withCodec.p50 / without.p50;
    process.stdout.write(
      [
        '',
        `payload codec: POST act recordInterview over HTTP, ${N} each, interleaved (gateway + worker in this process, real Temporal dev server and Kafka)`,
        `  with the codec (AES-256-GCM)   p50 ${f(withCodec.p50)} ms  p95 ${f(withCodec.p95)} ms  p99 ${f(withCodec.p99)} ms`,
        `  without (PAYLOAD_CODEC=none)   p50 ${f(without.p50)} ms  p95 ${f(without.p95)} ms  p99 ${f(without.p99)} ms`,
        `  cost at p50: ×${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)} %)   target ≤ ×${TARGET.toFixed(2)} (10 %)   ${ratio <= TARGET ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await sealed.system.close();
    await clear.system.close();
  }
});
