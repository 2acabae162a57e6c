import { randomUUID } from 'node:crypto';
import { inject, it } from 'vitest';
import { startGateway } from '../test/support/gateway-harness.js';
import { startRawFloor } from './support/raw-floor.js';

/**
 * Issue 14's sustained throughput: 10 and then 20 clients acting as fast as they are answered, for
 * BENCH_SECONDS (60) each, on the project (CMM recording interviews over HTTP with Idempotency-Keys, each
 * client on a case of its own) and on the raw floor (an Update awaiting one activity that produces one Kafka
 * message, each client on a workflow of its own), on the same servers, one after the other. Prints acts per
 * second, the project's share of the raw figure beside its target (≥ 60 %), and every error. Figures only.
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const CONCURRENCY = [10, 20];

interface Run {
  readonly acts: number;
  readonly errors: number;
  readonly perSecond: number;
}

async function sustain(clients: number, act: (client: number) => Promise<boolean>): Promise<Run> {
  const until = performance.now() + SECONDS * 1000;
  let acts = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < until) {
        if (await act(client).catch(() => false)) acts += 1;
        else errors += 1;
      }
    }),
  );
  return { acts, errors, perSecond: acts / ((performance.now() - started) / 1000) };
}

it('sustained acts per second against the raw floor', { timeout: 1_800_000 }, async () => {
  const floor = await startRawFloor(inject('temporalAddress'), inject('kafkaBrokers'));
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue: `bench-throughput-${Date.now()}`,
  });
  const lines: string[] = [];
  try {
    const cmm = await system.token('cmm', 'cmm');
    const max = Math.max(...CONCURRENCY);
    const cases: string[] = [];
    for (let i = 0; i < max; i += 1) {
      cases.push((await system.open(cmm, 'cmm', { facts: { hasLegalStay: false, age: 'adult' } })).caseRef);
    }
    const raws = await Promise.all(Array.from({ length: max }, () => floor.start()));
    const projectAct = async (client: number) => {
      const answer = await system.call('POST', `/cmm/cases/${cases[client] ?? ''}/record-interview`, {
        token: cmm,
        body: {},
        headers: { 'idempotency-key': randomUUID() },
      });
      return answer.status === 200;
    };
    const rawAct = async (client: number) => {
      const handle = raws[client];
      if (handle === undefined) return false;
      await floor.act(handle, randomUUID());
      return true;
    };
    // Warm both (bundles loaded, connections open), then measure.
    await Promise.all(cases.slice(0, 5).map((_, i) => projectAct(i)));
    await Promise.all(raws.slice(0, 5).map((_, i) => rawAct(i)));
    lines.push(
      '',
      `sustained acts per second, ${SECONDS} s per figure (gateway + worker in this process; real Temporal dev server and Kafka)`,
    );
    for (const clients of CONCURRENCY) {
      const raw = await sustain(clients, rawAct);
      const project = await sustain(clients, projectAct);
      const share = project.perSecond / raw.perSecond;
      lines.push(
        `  ${String(clients).padStart(2)} clients   project ${project.perSecond.toFixed(1).padStart(6)} acts/s (${project.errors} errors)   raw ${raw.perSecond.toFixed(1).padStart(6)} acts/s (${raw.errors} errors)   ${(share * 100).toFixed(0)} % of raw   target ≥ 60 %, 0 errors   ${share >= 0.6 && project.errors === 0 ? 'met' : 'NOT met'}`,
      );
    }
    lines.push('');
    process.stdout.write(lines.join('\n'));
  } finally {
    await system.close();
    await floor.close();
  }
});
