import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { repoRoot } from '../../scripts/repo-root.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_TOPIC, agencyTopic, type CaseView } from '../../libs/contracts/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { KafkaReader } from '../support/kafka-reader.js';

/**
 * The running system end to end: the real gateway and worker (their composition roots, in this process)
 * on a real Temporal dev server and a real Kafka broker; real bearer tokens in, events read by a real
 * consumer group.
 */
describe('open a case over HTTP with a real token and read its event from Kafka', () => {
  let system: RunningGateway;
  let reader: KafkaReader;
  let temporal: Client;
  let police: string;
  let cmm: string;
  let dis: string;

  beforeAll(async () => {
    system = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-open-${Date.now()}`,
    });
    reader = new KafkaReader(
      createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'e2e-reader' }),
    );
    temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    await reader.start([agencyTopic('cmm'), agencyTopic('dis'), AUDIT_TOPIC]);
    [police, cmm, dis] = await Promise.all([
      system.token('police', 'nec'),
      system.token('cmm', 'cmm'),
      system.token('dis', 'dis'),
    ]);
  });

  afterAll(async () => {
    await reader?.stop();
    await system?.close();
    await temporal?.connection.close();
  });

  const adultWithoutStay = { facts: { hasLegalStay: false, age: 'adult' } };

  it('answers liveness and readiness without a token', async () => {
    expect((await system.call('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await system.call('GET', '/health/ready')).body).toEqual({
      status: 'ready',
      checks: { temporal: 'up', kafka: 'up', worker: 'up', database: 'up' },
    });
  });

  it('R1: police open a case routed to DIS; case-referred reaches CMM, DIS and audit; the police unit keeps access', async () => {
    const opened = await system.open(police, 'police', adultWithoutStay);
    expect(opened.caseRef).toMatch(/^PW-[0-9A-Z]{12}$/);
    expect(opened.policyVersion).toBe('dk-2013.2');

    const id = `${opened.caseRef}/e00001-CaseReferred`;
    const read = await reader.waitFor((m) => m.filter((x) => x.event.id === id).length >= 3);
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

    const asPolice = await system.call<CaseView>('GET', `/police/cases/${opened.caseRef}`, { token: police });
    expect(asPolice.status).toBe(200);
    expect(asPolice.body.stage).toBe(opened.stage);
    expect(asPolice.body.access).toBeUndefined();
    const asCmm = await system.call<CaseView>('GET', `/cmm/cases/${opened.caseRef}`, { token: cmm });
    expect(asCmm.body.access).toEqual([
      expect.objectContaining({ role: 'police', party: 'nec', by: 'police' }),
    ]);

    const description = await temporal.workflow.getHandle(opened.caseRef).describe();
    expect(description.type).toBe('victimPathwayWorkflow');
    const attribute = (name: string) =>
      description.typedSearchAttributes.getAll().find((p) => p.key.name === name)?.value;
    expect(attribute('PathwayStage')).toBe(opened.stage);
    expect(attribute('AccessGrants')).toEqual(['police:nec']);
  });

  it('R2 R4: interview, then DIS identifies; the reflection period starts; a retried act has one effect', async () => {
    const opened = await system.open(police, 'police', adultWithoutStay);
    expect((await system.act(cmm, 'cmm', opened.caseRef, 'recordInterview')).status).toBe(200);
    expect((await system.act(cmm, 'cmm', opened.caseRef, 'submitForIdentification')).status).toBe(200);
    const key = `e2e-${opened.caseRef}`;
    const first = await system.act(
      dis,
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

    const retry = await system.act(
      dis,
      'dis',
      opened.caseRef,
      'decideIdentification',
      { outcome: 'identified' },
      key,
    );
    expect(retry.status).toBe(200);
    expect((retry.body as CaseView).timeline).toEqual(decided.timeline);

    await reader.waitFor((m) =>
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
    const opened = await system.open(police, 'police', { facts: { hasLegalStay: false, age: 'child' } });
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

  it('serves the committed OpenAPI document (docs/openapi.json)', async () => {
    const doc = (await system.call<{ paths: Record<string, unknown> }>('GET', '/docs/openapi.json')).body;
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
