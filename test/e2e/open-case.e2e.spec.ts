import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_TOPIC, agencyTopic, type CaseStateView } from '../../libs/contracts/src/index.js';
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

  it('R1: opens a case routed to DIS, publishes case.opened to CMM and audit, and a query returns its state', async () => {
    const response = await post('/cases', { referredBy: 'police', hasLegalStay: false });
    expect(response.status).toBe(201);
    const opened = (await response.json()) as CaseStateView;
    expect(opened.caseRef).toMatch(/^PW-[0-9A-Z]{12}$/);
    expect(opened).toMatchObject({
      stage: 'awaiting-identification',
      competentAuthority: 'dis',
      referredBy: 'police',
    });

    const read = await reader.waitFor((m) => m.filter((x) => x.event.subject === opened.caseRef).length >= 2);
    const mine = read.filter((m) => m.event.subject === opened.caseRef);
    expect(mine.map((m) => m.topic).sort()).toEqual([AUDIT_TOPIC, agencyTopic('cmm')].sort());
    expect(mine[0]!.key).toBe(opened.caseRef);
    expect(mine[0]!.event).toMatchObject({
      specversion: '1.0',
      type: 'dk.pathway.case.opened.v1',
      id: `${opened.caseRef}/case-opened`,
      data: { caseRef: opened.caseRef, referredBy: 'police', competentAuthority: 'dis' },
    });

    const state = (await (await fetch(`${baseUrl}/cases/${opened.caseRef}`)).json()) as CaseStateView;
    expect(state.stage).toBe('awaiting-identification');

    const description = await temporal.workflow.getHandle(opened.caseRef).describe();
    expect(description.type).toBe('victimPathwayWorkflow');
    expect(
      description.typedSearchAttributes.getAll().find((p) => p.key.name === 'ResponsibleAgency')?.value,
    ).toBe('dis');
  });

  it('R4: the competent authority decides identification; the reflection period starts and DIS hears of it', async () => {
    const opened = (await (
      await post('/cases', { referredBy: 'ngo', hasLegalStay: false })
    ).json()) as CaseStateView;
    const key = `e2e-${opened.caseRef}`;
    const first = await post(
      `/cases/${opened.caseRef}/identification-decision`,
      { identified: true, decidedBy: 'dis' },
      { 'Idempotency-Key': key },
    );
    expect(first.status).toBe(200);
    const decided = (await first.json()) as CaseStateView;
    expect(decided.stage).toBe('reflection-period');
    expect(decided.deadlines).toEqual([
      expect.objectContaining({ kind: 'reflection-period-end', ruleId: 'R4' }),
    ]);

    // A retried request with the same idempotency key has one effect.
    const retry = await post(
      `/cases/${opened.caseRef}/identification-decision`,
      { identified: true, decidedBy: 'dis' },
      { 'Idempotency-Key': key },
    );
    expect(retry.status).toBe(200);

    await reader.waitFor((m) =>
      m.some(
        (x) => x.topic === agencyTopic('dis') && x.event.id === `${opened.caseRef}/reflection-period-started`,
      ),
    );
    const started = reader.messages.filter(
      (m) => m.event.id === `${opened.caseRef}/reflection-period-started`,
    );
    expect(started.map((m) => m.topic).sort()).toEqual(
      [AUDIT_TOPIC, agencyTopic('cmm'), agencyTopic('dis')].sort(),
    );
  });

  it('refuses bad input with problem+json and changes nothing', async () => {
    const unknownField = await post('/cases', { referredBy: 'police', hasLegalStay: false, name: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await unknownField.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const badRef = await fetch(`${baseUrl}/cases/not-a-ref`);
    expect(badRef.status).toBe(400);

    const unknown = await fetch(`${baseUrl}/cases/PW-000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'CASE_NOT_FOUND' });

    const opened = (await (
      await post('/cases', { referredBy: 'cmm', hasLegalStay: true })
    ).json()) as CaseStateView;
    const wrongAuthority = await post(`/cases/${opened.caseRef}/identification-decision`, {
      identified: true,
      decidedBy: 'dis',
    });
    expect(wrongAuthority.status).toBe(422);
    expect(await wrongAuthority.json()).toMatchObject({ code: 'WRONG_AUTHORITY' });
    const unchanged = (await (await fetch(`${baseUrl}/cases/${opened.caseRef}`)).json()) as CaseStateView;
    expect(unchanged.stage).toBe('awaiting-identification');
    expect(unchanged.timeline).toHaveLength(1);

    await post(`/cases/${opened.caseRef}/identification-decision`, { identified: false, decidedBy: 'cmm' });
    const twice = await post(`/cases/${opened.caseRef}/identification-decision`, {
      identified: true,
      decidedBy: 'cmm',
    });
    // A second decision is refused: while the case winds down (NOT_IN_STAGE) or once it is closed (CASE_CLOSED).
    expect(twice.status).toBe(409);
    expect(['NOT_IN_STAGE', 'CASE_CLOSED']).toContain(((await twice.json()) as { code: string }).code);
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
