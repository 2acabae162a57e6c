import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_TOPIC, agencyTopic, type CaseView } from '../../libs/contracts/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { KafkaReader } from '../support/kafka-reader.js';
import { freePort } from '../support/servers.js';

/**
 * The running system end to end: the real gateway and worker (their composition roots, in this process)
 * on a real Temporal dev server and a real Kafka broker; HTTP in, events read by a real consumer group.
 */
describe('open a case over HTTP and read its event from Kafka', () => {
  let gateway: NestExpressApplication;
  let worker: INestApplicationContext;
  let workerRun: Promise<void>;
  let baseUrl: string;
  let reader: KafkaReader;
  let temporal: Client;
  const taskQueue = `e2e-${Date.now()}`;

  beforeAll(async () => {
    const port = await freePort();
    Object.assign(process.env, {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KAFKA_BROKERS: inject('kafkaBrokers'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      GATEWAY_PORT: String(port),
      WORKER_BUNDLE_PATH: process.env['TEST_WORKFLOW_BUNDLE'] ?? '',
    });
    const { WorkerModule, PathwayWorkerRunner } = await import('../../apps/worker/src/worker.module.js');
    const { NestFactory } = await import('@nestjs/core');
    worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
    workerRun = worker.get(PathwayWorkerRunner).run();
    const { createGateway } = await import('../../apps/gateway/src/create-gateway.js');
    gateway = await createGateway();
    gateway.useLogger(['error', 'warn']);
    await gateway.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    reader = new KafkaReader(
      createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'e2e-reader' }),
    );
    temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    // Ready means Temporal and Kafka reachable and our worker polling.
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${baseUrl}/health/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('gateway never became ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    await reader.start([agencyTopic('cmm'), agencyTopic('dis'), AUDIT_TOPIC]);
  });

  afterAll(async () => {
    await reader?.stop();
    await gateway?.close();
    await worker?.close();
    await workerRun?.catch(() => undefined);
    await temporal?.connection.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${baseUrl}/health/ready`)).json()).toEqual({
      status: 'ready',
      checks: { temporal: 'up', kafka: 'up', worker: 'up' },
    });
  });

  const act = (
    caseRef: string,
    name: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> => post(`/cases/${caseRef}/acts/${name}`, body, headers);
  const open = async (body: unknown): Promise<CaseView> =>
    (await (await post('/cases', body)).json()) as CaseView;
  const adultWithoutStay = { by: 'police', facts: { hasLegalStay: false, age: 'adult' } };

  it('R1: opens a case routed to DIS, publishes case-referred to CMM, DIS and audit, and a query returns its state', async () => {
    const response = await post('/cases', adultWithoutStay);
    expect(response.status).toBe(201);
    const opened = (await response.json()) as CaseView;
    expect(opened.caseRef).toMatch(/^PW-[0-9A-Z]{12}$/);
    expect(opened.policyVersion).toBe('dk-2013.1');

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
      data: { caseRef: opened.caseRef, type: 'CaseReferred', competentAuthority: 'dis' },
    });

    const state = (await (await fetch(`${baseUrl}/cases/${opened.caseRef}`)).json()) as CaseView;
    expect(state.stage).toBe(opened.stage);

    const description = await temporal.workflow.getHandle(opened.caseRef).describe();
    expect(description.type).toBe('victimPathwayWorkflow');
    const stageAttribute = description.typedSearchAttributes
      .getAll()
      .find((p) => p.key.name === 'PathwayStage');
    expect(stageAttribute?.value).toBe(opened.stage);
  });

  it('R2 R4: interview, then the competent authority identifies; the reflection period starts and DIS hears of it; a retried act has one effect', async () => {
    const opened = await open(adultWithoutStay);
    expect((await act(opened.caseRef, 'recordInterview', { by: 'cmm' })).status).toBe(200);
    expect((await act(opened.caseRef, 'submitForIdentification', { by: 'cmm' })).status).toBe(200);
    const key = `e2e-${opened.caseRef}`;
    const first = await act(
      opened.caseRef,
      'decideIdentification',
      { by: 'dis', outcome: 'identified' },
      { 'Idempotency-Key': key },
    );
    expect(first.status).toBe(200);
    const decided = (await first.json()) as CaseView;
    expect(decided.stage).toBe('reflection-period');
    const end = decided.deadlines.find((d) => d.kind === 'reflection-period-end');
    expect(end?.explanation).toMatchObject({ rule: 'R4', policyVersion: 'dk-2013.1' });

    const retry = await act(
      opened.caseRef,
      'decideIdentification',
      { by: 'dis', outcome: 'identified' },
      { 'Idempotency-Key': key },
    );
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as CaseView).timeline).toEqual(decided.timeline);

    await reader.waitFor((m) =>
      m.some(
        (x) =>
          x.topic === agencyTopic('dis') &&
          x.event.subject === opened.caseRef &&
          x.event.type === 'dk.pathway.period-started.v1',
      ),
    );
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const unknownField = await post('/cases', { ...adultWithoutStay, name: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await unknownField.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    expect((await fetch(`${baseUrl}/cases/not-a-ref`)).status).toBe(400);
    const unknown = await fetch(`${baseUrl}/cases/PW-000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'CASE_NOT_FOUND' });

    const opened = await open({ by: 'ngo', facts: { hasLegalStay: true, age: 'adult' } });
    expect((await act(opened.caseRef, 'teleport', { by: 'cmm' })).status).toBe(400);
    expect((await act(opened.caseRef, 'recordInterview', { by: 'cmm', note: 'x' })).status).toBe(400);
    await act(opened.caseRef, 'recordInterview', { by: 'ngo' });
    await act(opened.caseRef, 'submitForIdentification', { by: 'cmm' });
    const before = (await (await fetch(`${baseUrl}/cases/${opened.caseRef}`)).json()) as CaseView;
    const wrongAuthority = await act(opened.caseRef, 'decideIdentification', {
      by: 'dis',
      outcome: 'identified',
    });
    expect(wrongAuthority.status).toBe(422);
    expect(await wrongAuthority.json()).toMatchObject({ code: 'WRONG_AUTHORITY' });
    const unchanged = (await (await fetch(`${baseUrl}/cases/${opened.caseRef}`)).json()) as CaseView;
    expect(unchanged.timeline).toEqual(before.timeline);

    expect((await act(opened.caseRef, 'closeCase', { by: 'cmm', reason: 'referred-in-error' })).status).toBe(
      200,
    );
    const afterClose = await act(opened.caseRef, 'recordInterview', { by: 'ngo' });
    // Refused: while the closed case winds down (CASE_CLOSED from the domain) or once it has completed.
    expect(afterClose.status).toBe(409);
    expect(((await afterClose.json()) as { code: string }).code).toBe('CASE_CLOSED');
  });

  it('serves the OpenAPI document', async () => {
    const doc = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/cases', '/cases/{caseRef}', '/health/ready']),
    );
  });
});
