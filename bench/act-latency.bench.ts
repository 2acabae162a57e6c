import { randomUUID } from 'node:crypto';
import { inject, it } from 'vitest';
import { AUDIT_TOPIC } from '../libs/contracts/src/index.js';
import { startGateway } from '../test/support/gateway-harness.js';
import { startDeployedApps } from './support/deployed-apps.js';
import { percentile } from './support/figures.js';
import { readFromEnd, startRawFloor } from './support/raw-floor.js';

/**
 * Issue 14's benchmark, first figures: the project against the raw floor of its own stack, on the same
 * servers in one run, interleaved request by request. Prints each figure beside its target and the ratio;
 * asserts nothing.
 *   - an act over HTTP until its CloudEvent reaches a consumer, vs a raw Update whose handler awaits one
 *     activity producing one message with kafkajs (acks=all) read by a consumer;
 *   - opening a case over HTTP vs a raw `workflow.start`.
 * The project runs in this process by default; `BENCH_APPS=processes` runs it as deployed (built, the gateway
 * and the worker each in its own process, on servers of their own), with the raw floor on those servers.
 */
const N = Number(process.env['BENCH_REQUESTS'] ?? 150);
/** Resolves when a message with `id` (key) has been read; messages read are remembered by id. */
class Arrivals {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (at: number) => void>();

  record(id: string): void {
    const at = performance.now();
    const resolve = this.waiting.get(id);
    if (resolve) {
      this.waiting.delete(id);
      resolve(at);
    } else this.seen.set(id, at);
  }

  arrival(id: string): Promise<number> {
    const at = this.seen.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }
}

/** The project as the benchmark drives it: in this process (the default) or deployed (`BENCH_APPS=processes`). */
interface BenchSystem {
  readonly shape: string;
  readonly temporalAddress: string;
  readonly kafkaBrokers: string;
  token(role: 'cmm', org: string): Promise<string>;
  open(token: string, role: 'cmm', body: unknown): Promise<string>;
  get(path: string, token: string): Promise<unknown>;
  act(token: string, role: 'cmm', caseRef: string, act: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

async function startSystem(): Promise<BenchSystem> {
  const taskQueue = `bench-project-${Date.now()}`;
  if (process.env['BENCH_APPS'] === 'processes') {
    const apps = await startDeployedApps(taskQueue);
    return {
      shape: 'apps built, the gateway and the worker each in its own process, on servers of their own',
      temporalAddress: apps.temporalAddress,
      kafkaBrokers: apps.kafkaBrokers,
      token: (role, org) => apps.token(role, org),
      open: (token, role, body) => apps.open(token, role, body),
      get: async (path, token) => (await apps.call('GET', path, token)).body,
      act: (token, role, caseRef, act) => apps.act(token, role, caseRef, act),
      close: () => apps.close(),
    };
  }
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue,
  });
  return {
    shape: 'gateway + worker in this process',
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    token: (role, org) => system.token(role, org),
    open: async (token, role, body) => (await system.open(token, role, body)).caseRef,
    get: async (path, token) => (await system.call('GET', path, { token })).body,
    act: (token, role, caseRef, act) => system.act(token, role, caseRef, act),
    close: () => system.close(),
  };
}

it('act and open latency against the raw floor', { timeout: 1_800_000 }, async () => {
  const system = await startSystem();
  const floor = await startRawFloor(system.temporalAddress, system.kafkaBrokers);
  const rawArrivals = new Arrivals();
  const projectArrivals = new Arrivals();
  const rawConsumer = floor.kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  const auditConsumer = floor.kafka.consumer({ groupId: `bench-audit-${randomUUID()}` });
  try {
    await readFromEnd(rawConsumer, floor.topic, (value) => {
      rawArrivals.record(value);
    });
    await readFromEnd(auditConsumer, AUDIT_TOPIC, (value) => {
      try {
        const id = (JSON.parse(value) as { id?: string }).id;
        if (id !== undefined) projectArrivals.record(id);
      } catch {
        // not an event of ours
      }
    });
    const cmm = await system.token('cmm', 'cmm');
    const caseRef = await system.open(cmm, 'cmm', { facts: { hasLegalStay: false, age: 'adult' } });
    const raw = await floor.start();

    // Each recordInterview is one event, numbered next in the case: its CloudEvents id is known in advance.
    let seq = ((await system.get(`/cmm/cases/${caseRef}`, cmm)) as { timeline: { seq: number }[] }).timeline
      .length;
    // The act's HTTP answer, beside the figure: since ADR 0025 it comes after the act's events were sent.
    const answered: number[] = [];
    const projectAct = async (): Promise<number> => {
      const started = performance.now();
      const answer = await system.act(cmm, 'cmm', caseRef, 'recordInterview');
      answered.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`act answered ${answer.status}`);
      const timeline = (answer.body as { timeline: { seq: number; type: string }[] }).timeline;
      const mine = timeline.filter((e) => e.seq > seq);
      seq = timeline.at(-1)?.seq ?? seq;
      const last = mine.at(-1);
      if (last === undefined) throw new Error('the act made no event');
      const id = `${caseRef}/e${String(last.seq).padStart(5, '0')}-${last.type}`;
      return (await projectArrivals.arrival(id)) - started;
    };
    const rawActOnce = async (): Promise<number> => {
      const id = randomUUID();
      const started = performance.now();
      await floor.act(raw, id);
      return (await rawArrivals.arrival(id)) - started;
    };
    const projectOpen = async (): Promise<number> => {
      const started = performance.now();
      await system.open(cmm, 'cmm', { facts: { hasLegalStay: false, age: 'adult' } });
      return performance.now() - started;
    };
    const rawStart = async (): Promise<number> => {
      const started = performance.now();
      const handle = await floor.start();
      const elapsed = performance.now() - started;
      await handle.terminate('bench').catch(() => undefined);
      return elapsed;
    };

    const interleaved = async (a: () => Promise<number>, b: () => Promise<number>) => {
      for (let i = 0; i < 15; i += 1) {
        await a();
        await b();
      }
      const times: [number[], number[]] = [[], []];
      for (let i = 0; i < N; i += 1) {
        if (i % 2 === 0) {
          times[0].push(await a());
          times[1].push(await b());
        } else {
          times[1].push(await b());
          times[0].push(await a());
        }
      }
      return times.map((t) => [...t].sort((x, y) => x - y)) as [number[], number[]];
    };
    const f = (ms: number) => ms.toFixed(1).padStart(7);
    const line = (label: string, project: number[], floor: number[], target: number) => {
      const ratio = percentile(project, 50) / percentile(floor, 50);
      return [
        `  ${label}`,
        `    project  p50 ${f(percentile(project, 50))} ms  p99 ${f(percentile(project, 99))} ms`,
        `    raw      p50 ${f(percentile(floor, 50))} ms  p99 ${f(percentile(floor, 99))} ms`,
        `    ratio at p50 ×${ratio.toFixed(2)}   target ≤ ×${target.toFixed(1)}   ${ratio <= target ? 'met' : 'NOT met'}`,
      ].join('\n');
    };
    const [actProject, actRaw] = await interleaved(projectAct, rawActOnce);
    const answers = [...answered.slice(15)].sort((x, y) => x - y);
    const [openProject, openRaw] = await interleaved(projectOpen, rawStart);
    process.stdout.write(
      [
        '',
        `the project against the raw floor, ${N} each, sequential, interleaved (${system.shape}; real Temporal dev server and Kafka)`,
        line(
          'act over HTTP → its CloudEvent at a consumer, vs a raw Update + activity + kafkajs (acks=all) → consumer',
          actProject,
          actRaw,
          1.5,
        ),
        `    the act's HTTP answer (no target): p50 ${f(percentile(answers, 50))} ms  p99 ${f(percentile(answers, 99))} ms`,
        line('open a case over HTTP, vs a raw workflow.start', openProject, openRaw, 1.5),
        '',
      ].join('\n'),
    );
  } finally {
    await rawConsumer.disconnect().catch(() => undefined);
    await auditConsumer.disconnect().catch(() => undefined);
    // The floor first: deployed, the system's close stops the servers the floor runs on.
    await floor.close();
    await system.close();
  }
});
