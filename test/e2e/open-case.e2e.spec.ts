import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { repoRoot } from '../../scripts/repo-root.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AUDIT_TOPIC,
  SearchAttributeKeys,
  agencyTopic,
  getCaseQuery,
  type CaseView,
} from '../../libs/contracts/src/index.js';
import { PayloadKeyring } from '../../libs/personal-data/src/index.js';
import { AesGcmPayloadCodec } from '../../libs/temporal/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';

/**
 * The running system end to end: the real gateway and worker (their composition roots, in this process)
 * on a real Temporal dev server and a real Kafka broker; real bearer tokens in, events read by a real
 * consumer group.
 */
describe('open a case over HTTP with a real token and read its event from Kafka', () => {
  const e2e = e2eSystem('open', { topics: [agencyTopic('cmm'), agencyTopic('dis'), AUDIT_TOPIC] });
  let temporal: Client;

  beforeAll(async () => {
    // The gateway and the worker seal Temporal's payloads (ADR 0015): read them with the same keys.
    temporal = new Client({
      connection: await Connection.connect({ address: inject('temporalAddress') }),
      dataConverter: {
        payloadCodecs: [new AesGcmPayloadCodec(await PayloadKeyring.open(e2e.gateway.payloadKeysDir))],
      },
    });
  });

  afterAll(async () => {
    await temporal?.connection.close();
  });

  const adultWithoutStay = { facts: { hasLegalStay: false, age: 'adult' } };

  it('answers liveness and readiness without a token', async () => {
    expect((await e2e.gateway.call('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await e2e.gateway.call('GET', '/health/ready')).body).toEqual({
      status: 'ready',
      checks: { temporal: 'up', kafka: 'up', worker: 'up', database: 'up' },
      // A detail, not a condition: how far the read model's projection is behind the audit stream.
      readModel: { lagEvents: expect.any(Number), gaps: 0 },
    });
  });

  it('R1: police open a case routed to DIS; case-referred reaches CMM, DIS and audit; the police unit keeps access', async () => {
    const opened = await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay);
    expect(opened.caseRef).toMatch(/^PW-[0-9A-Z]{12}$/);
    expect(opened.policyVersion).toBe('dk-2013.2');

    const id = `${opened.caseRef}/e00001-CaseReferred`;
    const read = await e2e.reader.waitFor((m) => m.filter((x) => x.event.id === id).length >= 3);
    const mine = read.filter((m) => m.event.id === id);
    expect(mine.map((m) => m.topic).sort()).toEqual(
      [AUDIT_TOPIC, agencyTopic('cmm'), agencyTopic('dis')].sort(),
    );
    expect(mine[0]!.key).toBe(opened.caseRef);
    expect(mine[0]!.event).toMatchObject({
      specversion: '1.0',
      type: 'dk.pathway.case-referred.v1',
      subject: opened.caseRef,
      data: { caseRef: opened.caseRef, type: 'CaseReferred', competentAuthority: 'dis', by: 'police' },
    });

    const asPolice = await e2e.gateway.call<CaseView>('GET', `/police/cases/${opened.caseRef}`, {
      token: e2e.tokens.police,
    });
    expect(asPolice.status).toBe(200);
    expect(asPolice.body.stage).toBe(opened.stage);
    expect(asPolice.body.access).toBeUndefined();
    const asCmm = await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${opened.caseRef}`, {
      token: e2e.tokens.cmm,
    });
    expect(asCmm.body.access).toEqual([
      expect.objectContaining({ role: 'police', party: e2e.unit, by: 'police' }),
    ]);

    const description = await temporal.workflow.getHandle(opened.caseRef).describe();
    expect(description.type).toBe('victimPathwayWorkflow');
    const attribute = (name: string) =>
      description.typedSearchAttributes.getAll().find((p) => p.key.name === name)?.value;
    expect(attribute('PathwayStage')).toBe(opened.stage);
    expect(attribute('AccessGrants')).toEqual([`police:${e2e.unit}`]);
  });

  it('R2 R4: interview, then DIS identifies; the reflection period starts; a retried act has one effect', async () => {
    const opened = await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay);
    expect((await e2e.gateway.act(e2e.tokens.cmm, 'cmm', opened.caseRef, 'recordInterview')).status).toBe(
      200,
    );
    expect(
      (await e2e.gateway.act(e2e.tokens.cmm, 'cmm', opened.caseRef, 'submitForIdentification')).status,
    ).toBe(200);
    const key = `e2e-${opened.caseRef}`;
    const first = await e2e.gateway.act(
      e2e.tokens.dis,
      'dis',
      opened.caseRef,
      'decideIdentification',
      { outcome: 'identified' },
      key,
    );
    expect(first.status).toBe(200);
    const decided = first.body as CaseView;
    expect(decided.stage).toBe('reflection-period');
    const end = decided.deadlines.find((d) => d.kind === 'reflection-period-end');
    expect(end?.explanation).toMatchObject({ rule: 'R4', policyVersion: 'dk-2013.2' });

    const retry = await e2e.gateway.act(
      e2e.tokens.dis,
      'dis',
      opened.caseRef,
      'decideIdentification',
      { outcome: 'identified' },
      key,
    );
    expect(retry.status).toBe(200);
    expect((retry.body as CaseView).timeline).toEqual(decided.timeline);

    await e2e.reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('dis') &&
          x.event.subject === opened.caseRef &&
          x.event.type === 'dk.pathway.period-started.v1',
      ),
    );
  });

  it('operators see a case in the Temporal Web UI: a summary, current details, named query and Updates, no personal data', async () => {
    // A child's case: its guardian deadline runs from the referral (R17), so there is a next deadline.
    const opened = await e2e.gateway.open(e2e.tokens.police, 'police', {
      facts: { hasLegalStay: false, age: 'child' },
    });
    const handle = temporal.workflow.getHandle(opened.caseRef);
    const description = await handle.describe();
    expect(await description.staticSummary()).toBe(
      `Victim pathway ${opened.caseRef}: referred by police (first-encounter)`,
    );
    expect(await description.staticDetails()).toMatch(/No personal data/);
    // What the Web UI reads for "Current details" and the handler list (the SDK's built-in metadata query).
    const metadata = await handle.query<{
      currentDetails?: string;
      definition?: {
        queryDefinitions?: Array<{ name?: string; description?: string }>;
        updateDefinitions?: Array<{ name?: string; description?: string }>;
      };
    }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(`**Stage:** ${opened.stage}`);
    expect(metadata.currentDetails).toMatch(
      /\*\*Next deadline:\*\* guardian-appointment on \S+Z — municipality must act \(R17\)/,
    );
    const queries = metadata.definition?.queryDefinitions ?? [];
    expect(queries.find((q) => q.name === 'getCase')?.description).toMatch(/deadlines/);
    const updates = metadata.definition?.updateDefinitions ?? [];
    expect(updates.map((u) => u.name)).toEqual(
      expect.arrayContaining(['recordInterview', 'requestPermitRenewal', 'grantAccess']),
    );
    expect(updates.every((u) => (u.description ?? '').length > 0)).toBe(true);
  });

  it('with no span exporter, a case runs untraced: neither its start nor its acts carry a trace header (ADR 0022)', async () => {
    // This process exports no spans, so the gateway's Temporal client adds no interceptor and the workflow
    // never loads OpenTelemetry in its sandbox, even for a caller that sends its own traceparent.
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const opened = await e2e.gateway.call<CaseView>('POST', '/police/cases', {
      token: e2e.tokens.police,
      body: adultWithoutStay,
      headers: { traceparent },
    });
    expect(opened.status).toBe(201);
    const ref = opened.body.caseRef;
    const acted = await e2e.gateway.call('POST', `/cmm/cases/${ref}/record-interview`, {
      token: e2e.tokens.cmm,
      body: {},
      headers: { traceparent },
    });
    expect(acted.status).toBe(200);
    const { events } = await temporal.workflow.getHandle(ref).fetchHistory();
    const headed = (events ?? []).flatMap((event) => {
      const fields =
        event.workflowExecutionStartedEventAttributes?.header?.fields ??
        event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.header?.fields;
      return fields ? [Object.keys(fields)] : [];
    });
    // The start and the interview's Update are in the history, headerless.
    const updates = (events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(1);
    expect(headed.flat()).not.toContain('_tracer-data');
  });

  it('ADR 0023: answers a stored view only while the case names its version (PathwayViewVersion); a store that missed an act is answered by the workflow and stored again', async () => {
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      const storedVersion = async (ref: string) =>
        (await db.query<{ version: number }>('SELECT version FROM case_views WHERE case_ref = $1', [ref]))
          .rows[0]?.version;
      const opened = await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay);
      const ref = opened.caseRef;
      const versionNamed = async () =>
        (await temporal.workflow.getHandle(ref).describe()).typedSearchAttributes.get(
          SearchAttributeKeys.viewVersion,
        );
      const interviewed = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview');
      expect(interviewed.status).toBe(200);
      // The number stays between the workflow and the gateway: no answer carries it.
      expect(interviewed.body).not.toHaveProperty('version');
      // The act's view was stored before the act was answered; `PathwayViewVersion` names its number once its
      // events are out.
      const v1 = (await storedVersion(ref)) ?? 0;
      expect(v1).toBeGreaterThan(0);
      await expect.poll(versionNamed).toBe(v1);
      const older = await db.query<{ view: CaseView }>('SELECT view FROM case_views WHERE case_ref = $1', [
        ref,
      ]);
      const submitted = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification');
      expect(submitted.status).toBe(200);
      const v2 = (await storedVersion(ref)) ?? 0;
      expect(v2).toBe(v1 + 1);
      await expect.poll(versionNamed).toBe(v2);
      // The store lost the act's view (as after a database hiccup): it holds the one before.
      await db.query('UPDATE case_views SET version = $2, view = $3 WHERE case_ref = $1', [
        ref,
        v1,
        JSON.stringify(older.rows[0]?.view),
      ]);
      const read = await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${ref}`, { token: e2e.tokens.cmm });
      expect(read.status).toBe(200);
      // A read adds the person summary; an act does not.
      expect(read.body).toEqual({ ...(submitted.body as CaseView), person: read.body.person });
      expect(read.body.timeline.map((t) => t.type)).toContain('IdentificationRequested');
      // The workflow's answer was stored again, under its version.
      await expect.poll(() => storedVersion(ref)).toBe(v2);
    } finally {
      await db.end();
    }
  });

  it('ADR 0024: an opening is answered with the view the gateway built, which is the case’s own first view: stored and named as 1 before any worker runs it', async () => {
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      const ngo = await e2e.gateway.token('ngo', 'ngo-opening');
      const openings = [
        { role: 'police', token: e2e.tokens.police, body: adultWithoutStay },
        { role: 'police', token: e2e.tokens.police, body: { facts: { hasLegalStay: false, age: 'child' } } },
        { role: 'cmm', token: e2e.tokens.cmm, body: { facts: { hasLegalStay: true, age: 'adult' } } },
        { role: 'ngo', token: ngo, body: adultWithoutStay },
        {
          role: 'dis',
          token: e2e.tokens.dis,
          body: { channel: 'asylum-screening', facts: { hasLegalStay: false, age: 'adult' } },
        },
      ];
      for (const { role, token, body } of openings) {
        const what = `${role} ${JSON.stringify(body)}`;
        const opened = await e2e.gateway.call<CaseView>('POST', `/${role}/cases`, { token, body });
        expect(opened.status, what).toBe(201);
        const ref = opened.body.caseRef;
        const handle = temporal.workflow.getHandle(ref);
        // Stored under number 1, and the start named 1: when the answer left, both were in place.
        const stored = await db.query<{ version: number; view: CaseView }>(
          'SELECT version, view FROM case_views WHERE case_ref = $1',
          [ref],
        );
        expect(stored.rows[0]?.version, what).toBe(1);
        expect((await handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.viewVersion)).toBe(1);
        // The workflow's own first view is the gateway's, number and all.
        const own = await handle.query(getCaseQuery);
        expect(own, what).toEqual(stored.rows[0]?.view);
        expect(own.version, what).toBe(1);
        // Once the referral is published the case still names 1: nothing the gateway answered was replaced.
        const id = `${ref}/e00001-CaseReferred`;
        await e2e.reader.waitFor((m) => m.some((x) => x.event.id === id && x.topic === AUDIT_TOPIC));
        expect(
          (await handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.viewVersion),
          what,
        ).toBe(1);
        // The role's answer is the stored view, as the role may see it (the number stays inside).
        const read = await e2e.gateway.call<CaseView>('GET', `/${role}/cases/${ref}`, { token });
        expect(read.status, what).toBe(200);
        expect(read.body, what).toEqual({ ...opened.body, person: read.body.person });
        expect(opened.body, what).not.toHaveProperty('version');
      }
    } finally {
      await db.end();
    }
  });

  it('serves the committed OpenAPI document (docs/openapi.json)', async () => {
    const doc = (await e2e.gateway.call<{ paths: Record<string, unknown> }>('GET', '/docs/openapi.json'))
      .body;
    expect(doc).toEqual(JSON.parse(await readFile(join(repoRoot, 'docs', 'openapi.json'), 'utf8')));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/police/cases',
        '/police/cases/{caseRef}/request-permit-renewal',
        '/dis/cases/{caseRef}/decide-permit',
        '/iom/cases/{caseRef}/record-check-in',
        '/health/ready',
      ]),
    );
  });
});
