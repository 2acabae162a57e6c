import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_TOPIC, TRACEPARENT_PATTERN, agencyTopic } from '../../libs/contracts/src/index.js';
import { startTracing } from '../../libs/observability/src/index.js';
import { e2eSystem, okView as ok } from '../support/e2e-system.js';

// Installed before the system starts: the gateway's spans, the worker's and (through their sink) the
// workflows' all end here, as they would at an OTLP collector.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({ service: 'e2e-tracing', exporter });

const HISTORIES = fileURLToPath(new URL('../replay/histories/', import.meta.url));

/** An agency's own trace, as its client would send it with the request. */
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

const spanId = (span: ReadableSpan): string => span.spanContext().spanId;

/** The span and its ancestors in this process's spans, child first, up to the first one not recorded here. */
function ancestry(spans: readonly ReadableSpan[], from: string): ReadableSpan[] {
  const byId = new Map(spans.map((span) => [spanId(span), span]));
  const chain: ReadableSpan[] = [];
  for (let span = byId.get(from); span !== undefined; span = byId.get(span.parentSpanId ?? '')) {
    chain.push(span);
    if (chain.length > 50) break;
  }
  return chain;
}

/** The chain from `from` up to the caller's span, once every span of it has been exported (or after 15 s). */
async function chainUpTo(callerSpan: string, from: string): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await tracing.forceFlush();
    const chain = ancestry(exporter.getFinishedSpans(), from);
    if (chain.at(-1)?.parentSpanId === callerSpan || Date.now() > deadline) return chain;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('traces: one trace from an agency’s HTTP act to the CloudEvent its consumers read', () => {
  const e2e = e2eSystem('tracing', { topics: [AUDIT_TOPIC, agencyTopic('dis')] });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('continues the caller’s traceparent through the gateway, Temporal’s client, the workflow, the activity and the Kafka send, and puts it in every CloudEvent', async () => {
    const opened = await e2e.gateway.open(e2e.tokens.police, 'police', {
      facts: { hasLegalStay: false, age: 'adult' },
    });
    const ref = opened.caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'));
    const before = Math.max(
      ...ok(await e2e.gateway.call('GET', `/cmm/cases/${ref}`, { token: e2e.tokens.cmm })).timeline.map(
        (t) => t.seq,
      ),
    );

    // When CMM submits the case for identification from within its own trace
    const acted = ok(
      await e2e.gateway.call('POST', `/cmm/cases/${ref}/submit-for-identification`, {
        token: e2e.tokens.cmm,
        body: {},
        headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      }),
    );
    const ids = acted.timeline
      .filter((entry) => entry.seq > before)
      .map((entry) => `${ref}/e${String(entry.seq).padStart(5, '0')}-${entry.type}`);
    expect(ids.length).toBeGreaterThan(0);

    // Then every copy of every event of that act, on every topic, carries a traceparent in the caller's trace
    // (The topics are read side by side: a DIS copy may arrive after every audit copy, so wait for both.)
    const read = await e2e.reader.waitFor(
      (messages) =>
        ids.every((id) => messages.some((m) => m.topic === AUDIT_TOPIC && m.event.id === id)) &&
        messages.some((m) => m.topic === agencyTopic('dis') && ids.includes(m.event.id)),
    );
    const copies = read.filter((m) => ids.includes(m.event.id));
    expect(copies.map((m) => m.topic)).toContain(agencyTopic('dis'));
    for (const copy of copies) {
      const traceparent = copy.event.traceparent ?? '';
      expect(traceparent, `${copy.topic} ${copy.event.id}`).toMatch(TRACEPARENT_PATTERN);
      expect(traceparent.split('-')[1]).toBe(CALLER_TRACE);
      // The Kafka header says the same, for consumers that trace at the transport.
      expect(copy.headers['traceparent']).toBe(traceparent);
    }

    // And the spans link up, from the Kafka send back to the caller's span, through each hop
    const chain = await chainUpTo(CALLER_SPAN, copies[0]?.event.traceparent?.split('-')[2] ?? '');
    const names = chain.map((span) => span.name);
    expect(names).toEqual([
      expect.stringMatching(/^send .*pathway\.audit\.v1/),
      'RunActivity:publishAgencyEvents',
      'StartActivity:publishAgencyEvents',
      expect.stringMatching(/^HandleUpdate:/),
      expect.stringMatching(/^StartWorkflowUpdate:/),
      'POST /cmm/cases/:caseRef/submit-for-identification',
    ]);
    expect(chain.every((span) => span.spanContext().traceId === CALLER_TRACE)).toBe(true);
    expect(chain.at(-1)?.parentSpanId).toBe(CALLER_SPAN);
    const server = chain.at(-1);
    expect(server?.attributes).toMatchObject({
      'http.route': '/cmm/cases/:caseRef/submit-for-identification',
      'http.response.status_code': 200,
      'pathway.case_ref': ref,
      'pathway.role': 'cmm',
    });
    // Ids and route templates only: no span carries a request body or a header value.
    const everything = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(everything).not.toContain('Bearer');

    if (process.env['RECORD_HISTORIES'] === '1') {
      const connection = await Connection.connect({ address: inject('temporalAddress') });
      const client = new Client({ connection });
      await mkdir(HISTORIES, { recursive: true });
      await writeFile(
        `${HISTORIES}victim-pathway.traced.json`,
        historyToJSON(await client.workflow.getHandle(ref).fetchHistory()),
      );
      await connection.close();
    }
  });

  it('opens a case in the caller’s trace: one start carries it to the run, and the referral’s CloudEvents are in it', async () => {
    const openTrace = '0af7651916cd43dd8448eb211c80319c';
    const openSpan = 'b7ad6b7169203331';
    const opened = await e2e.gateway.call<{ caseRef: string }>('POST', '/police/cases', {
      token: e2e.tokens.police,
      body: { facts: { hasLegalStay: false, age: 'adult' } },
      headers: { traceparent: `00-${openTrace}-${openSpan}-01` },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = `${opened.body.caseRef}/e00001-CaseReferred`;

    // Then every copy of the referral carries the opener's trace
    const read = await e2e.reader.waitFor((messages) =>
      [AUDIT_TOPIC, agencyTopic('dis')].every((topic) =>
        messages.some((m) => m.topic === topic && m.event.id === id),
      ),
    );
    const copies = read.filter((m) => m.event.id === id);
    expect(copies.map((m) => m.topic)).toContain(agencyTopic('dis'));
    for (const copy of copies) {
      expect(copy.event.traceparent?.split('-')[1], copy.topic).toBe(openTrace);
      expect(copy.headers['traceparent']).toBe(copy.event.traceparent);
    }

    // And the opening is one call to Temporal, a start (ADR 0024: the gateway built the first view, so no
    // Update and no query), whose trace reaches the run: the start carried the trace header (the run is
    // traced), and the referral's publication hangs off the run's span (open as long as the case is).
    const spansOf = async (): Promise<ReadableSpan[]> => {
      await tracing.forceFlush();
      return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === openTrace);
    };
    await expect
      .poll(async () => (await spansOf()).map((span) => span.name), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['POST /police/cases', 'StartWorkflow:victimPathwayWorkflow']));
    const spans = await spansOf();
    const server = spans.find((span) => span.name === 'POST /police/cases');
    expect(server?.parentSpanId).toBe(openSpan);
    const calls = spans.filter((span) => span.parentSpanId === server?.spanContext().spanId);
    const workflowCalls = calls.filter((span) => span.name.includes('Workflow'));
    expect(workflowCalls.map((span) => span.name)).toEqual(['StartWorkflow:victimPathwayWorkflow']);
    const sent = copies[0]?.event.traceparent?.split('-')[2] ?? '';
    await expect
      .poll(async () => ancestry(await spansOf(), sent).map((span) => span.name), { timeout: 15_000 })
      .toEqual([
        expect.stringMatching(/^send .*pathway\.audit\.v1/),
        'RunActivity:publishAgencyEvents',
        'StartActivity:publishAgencyEvents',
      ]);
  });
});
