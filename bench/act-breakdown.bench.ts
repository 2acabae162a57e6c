import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { inject, it } from 'vitest';
import { AUDIT_TOPIC } from '../libs/contracts/src/index.js';
import { createKafka } from '../libs/messaging/src/index.js';
import { startTracing } from '../libs/observability/src/index.js';
import { startGateway } from '../test/support/gateway-harness.js';
import { percentile } from './support/figures.js';
import { readFromEnd } from './support/raw-floor.js';

// Installed before the system starts: the gateway's, the worker's and the workflows' spans end here.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'bench-breakdown', exporter });

/**
 * Issue 14, item 7: where one act's time goes, from the traces the system makes anyway. CMM records an
 * interview over HTTP (with an Idempotency-Key, as a client should), an NGO does the same on the case it
 * referred (its scope is granted: the case's grants are read first); each act is timed until its CloudEvent is read from the audit
 * topic. Prints p50 per step: the HTTP request and, inside it, authentication, the access-log check, the
 * scope query, the key's claim, the Temporal Update (and the handler inside the workflow), the access
 * record's store; after the answer, the publishing activity, the Kafka send, and the consumer's read.
 * Tracing is on here (it costs a little); the ratio against the raw floor is `act-latency.bench.ts`'s.
 */
const N = Number(process.env['BENCH_REQUESTS'] ?? 100);

it('one act, step by step', { timeout: 900_000 }, async () => {
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue: `bench-breakdown-${Date.now()}`,
  });
  const kafka = createKafka(
    { brokers: inject('kafkaBrokers').split(','), clientId: 'bench-breakdown' },
    { silent: true },
  );
  const consumer = kafka.consumer({ groupId: `bench-breakdown-${randomUUID()}` });
  const arrived = new Map<string, number>();
  try {
    await readFromEnd(consumer, AUDIT_TOPIC, (value) => {
      try {
        const id = (JSON.parse(value) as { id?: string }).id;
        if (id !== undefined) arrived.set(id, performance.now());
      } catch {
        // not an event of ours
      }
    });
    const unit = `ngo-bench-${Date.now()}`;
    const tokens = {
      cmm: await system.token('cmm', 'cmm'),
      ngo: await system.token('ngo', unit),
    };
    const referral = { facts: { hasLegalStay: false, age: 'adult' } };
    const cases = {
      cmm: (await system.open(tokens.cmm, 'cmm', referral)).caseRef,
      ngo: (await system.open(tokens.ngo, 'ngo', referral)).caseRef,
    };
    const endToEnd: Record<'cmm' | 'ngo', number[]> = { cmm: [], ngo: [] };
    const traces: Record<'cmm' | 'ngo', Set<string>> = { cmm: new Set(), ngo: new Set() };
    const act = async (role: 'cmm' | 'ngo') => {
      const traceId = randomUUID().replaceAll('-', '');
      const started = performance.now();
      const answer = await system.call('POST', `/${role}/cases/${cases[role]}/record-interview`, {
        token: tokens[role],
        body: {},
        headers: { 'idempotency-key': randomUUID(), traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      if (answer.status !== 200) throw new Error(`act answered ${answer.status}`);
      const last = (answer.body as { timeline: { seq: number; type: string }[] }).timeline.at(-1);
      if (last === undefined) throw new Error('no event');
      const id = `${cases[role]}/e${String(last.seq).padStart(5, '0')}-${last.type}`;
      while (!arrived.has(id)) await new Promise((r) => setTimeout(r, 1));
      endToEnd[role].push((arrived.get(id) ?? Number.NaN) - started);
      traces[role].add(traceId);
    };
    for (let i = 0; i < 10; i += 1) {
      await act('cmm');
      await act('ngo');
    }
    exporter.reset();
    for (const role of ['cmm', 'ngo'] as const) {
      endToEnd[role] = [];
      traces[role].clear();
    }
    for (let i = 0; i < N; i += 1) {
      await act('cmm');
      await act('ngo');
    }
    // Opening a case, for its own breakdown: every span of its traces, by name.
    const opens = new Set<string>();
    for (let i = 0; i < Math.min(N, 50); i += 1) {
      const traceId = randomUUID().replaceAll('-', '');
      const answer = await system.call('POST', '/cmm/cases', {
        token: tokens.cmm,
        body: referral,
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      if (answer.status !== 201) throw new Error(`open answered ${answer.status}`);
      opens.add(traceId);
    }
    await new Promise((r) => setTimeout(r, 500));
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();
    const ms = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    /** Every span of these traces by name: p50 duration and p50 start from the HTTP request's start. */
    const timelineOf = (traceIds: ReadonlySet<string>): string[] => {
      const byName = new Map<string, { times: number[]; offsets: number[] }>();
      const rootStart = new Map<string, number>();
      for (const span of spans) {
        if (!traceIds.has(span.spanContext().traceId) || !span.name.startsWith('POST ')) continue;
        rootStart.set(span.spanContext().traceId, span.startTime[0] * 1000 + span.startTime[1] / 1e6);
      }
      for (const span of spans) {
        const root = rootStart.get(span.spanContext().traceId);
        if (root === undefined) continue;
        const entry = byName.get(span.name) ?? { times: [], offsets: [] };
        entry.times.push(ms(span));
        entry.offsets.push(span.startTime[0] * 1000 + span.startTime[1] / 1e6 - root);
        byName.set(span.name, entry);
      }
      return [...byName.entries()]
        .sort(([, a], [, b]) => median(a.offsets) - median(b.offsets))
        .map(
          ([name, { times, offsets }]) =>
            `  ${name.slice(0, 52).padEnd(52)} ${median(times).toFixed(1).padStart(6)}  starts at +${median(offsets).toFixed(1)}`,
        );
    };
    const step = (role: 'cmm' | 'ngo', match: (span: ReadableSpan) => boolean): string => {
      const times = spans
        .filter((span) => traces[role].has(span.spanContext().traceId) && match(span))
        .map((span) => span.duration[0] * 1000 + span.duration[1] / 1e6)
        .sort((a, b) => a - b);
      return times.length === 0 ? '     —' : percentile(times, 50).toFixed(1).padStart(6);
    };
    const named = (name: string | RegExp) => (span: ReadableSpan) =>
      typeof name === 'string' ? span.name === name : name.test(span.name);
    const rows: [string, (span: ReadableSpan) => boolean][] = [
      ['HTTP request, whole (until the answer is sent)', named(/^POST \//)],
      ['  authentication (token verified)', named('authenticate')],
      ['  access-log check (database reachable)', named('access-log check')],
      ['  scope check: the grants the case holds (describe)', named('scope check (grants)')],
      ['  scope check: a query of the case (when they do not say yes)', named('scope check')],
      ['  Idempotency-Key claim (database)', named('idempotency claim')],
      ['  Temporal Update (client: sent until answered)', named(/^StartWorkflowUpdate:/)],
      ['    its handler in the workflow', named(/^HandleUpdate:/)],
      ['  access record stored (database)', named('access-log store')],
      ['publishing activity (after the answer)', named(/^RunActivity:/)],
      ['  Kafka send, acks=all', named(/^send /)],
    ];
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    process.stdout.write(
      [
        '',
        `one act (recordInterview with an Idempotency-Key), ${N} each, p50 in ms of each step's span (tracing on)`,
        `  ${'step'.padEnd(52)}    CMM     NGO`,
        ...rows.map(([label, match]) => `  ${label.padEnd(52)} ${step('cmm', match)}  ${step('ngo', match)}`),
        `  ${'act over HTTP → its CloudEvent read by a consumer'.padEnd(52)} ${percentile(sorted(endToEnd.cmm), 50).toFixed(1).padStart(6)}  ${percentile(sorted(endToEnd.ngo), 50).toFixed(1).padStart(6)}`,
        '',
        `one act (CMM): every span of its traces, p50 in ms, by when it starts (the consumer read it at +${percentile(sorted(endToEnd.cmm), 50).toFixed(1)})`,
        ...timelineOf(traces.cmm),
        '',
        `opening a case (CMM), ${opens.size} times: every span of its traces, p50 in ms, by when it starts`,
        ...timelineOf(opens),
        '',
      ].join('\n'),
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await system.close();
    await tracing.shutdown();
  }
});
