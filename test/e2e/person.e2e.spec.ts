import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ACCESS_LOG_TOPIC,
  AUDIT_TOPIC,
  agencyTopic,
  type AccessRecord,
  type Role,
} from '../../libs/contracts/src/index.js';
import { createKafka } from '../../libs/messaging/src/index.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { assertMatchesAsyncApi } from '../support/asyncapi-validator.js';
import { KafkaReader } from '../support/kafka-reader.js';

/**
 * The person behind a case over HTTP on the real servers: recorded, read by need to know, noted, exported and
 * erased — through a gateway running as its own process at debug level, so its log is scanned too. The
 * canary values below are put through the API, then looked for byte for byte in the servers' raw files
 * (Temporal's SQLite, Kafka's log segments, PostgreSQL's files and logs), in every topic and in the gateway's
 * log: found only in the authorised answers. A control value that does go to Temporal and Kafka (a grant's
 * party code) is found there, so the scan can fail.
 */
const CANARY = {
  givenNames: 'Canarygivenqx Wvrtz',
  familyName: 'Canaryfamilyqx',
  alias: 'Canaryaliasqx',
  birthDate: '1999-02-17',
  phone: '+4599887766',
  shelter: 'canary-shelter-qx',
  note: 'Canarynoteqx: seen at the clinic, rest advised',
  correction: 'Canarycorrectionqx: seen at the clinic on Tuesday',
} as const;
const CANARY_VALUES = Object.values(CANARY);
const CONTROL_PARTY = 'canaryctl-grant-qx';

interface PersonView {
  state: string;
  version: number;
  present: string[];
  sections: Record<string, unknown>;
  notes?: Array<{ seq: number; text: string; corrects?: number; author: { role: string } }>;
  erasure?: { byRole: string; reason: string };
}

/** Every file below `dir` (Temporal's SQLite and WAL, Kafka's segments, PostgreSQL's files and logs). */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** How often each value occurs, byte for byte (UTF-8), in the files below `dir`, by file. */
async function scan(dir: string, values: readonly string[]): Promise<Map<string, string[]>> {
  const hits = new Map<string, string[]>(values.map((v) => [v, []]));
  for (const file of await filesBelow(dir)) {
    const size = (await stat(file).catch(() => undefined))?.size ?? 0;
    if (size === 0 || size > 512 * 1024 * 1024) continue;
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes === undefined) continue;
    for (const value of values) {
      if (bytes.includes(Buffer.from(value, 'utf8'))) hits.get(value)?.push(file.slice(dir.length));
    }
  }
  return hits;
}

describe('the person behind a case: recorded, read by need to know, exported, erased; found nowhere else', () => {
  const taskQueue = `e2e-person-${Date.now()}`;
  let worker: RunningGateway;
  let gateway: GatewayProcess;
  let reader: KafkaReader;
  const tokens = new Map<string, string>();
  let caseRef = '';

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer’s shape
  const call = async <T>(
    role: Role,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${gateway.baseUrl}/${role}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(role) ?? ''}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const person = (role: Role) => call<PersonView>(role, 'GET', `/cases/${caseRef}/person`);

  beforeAll(async () => {
    // The worker (and an in-process gateway we do not call) on this file's queue; the gateway we call is a
    // process of its own on the same queue, logging at debug.
    worker = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue,
    });
    // The same payload keys as the worker's (ADR 0015): the two seal and open each other's payloads.
    gateway = await startGatewayProcess({
      TEMPORAL_TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'debug',
      PAYLOAD_KEYRING_DIR: worker.payloadKeysDir,
    });
    const parties: Record<string, string> = {
      cmm: 'cmm',
      police: 'nec-person',
      ngo: 'ngo-person',
      auditor: 'audit',
      iom: 'iom-dk',
    };
    for (const [role, org] of Object.entries(parties))
      tokens.set(role, await gateway.token(role as Role, org));
    reader = new KafkaReader(
      createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'e2e-person' }),
    );
    await reader.start([AUDIT_TOPIC, ACCESS_LOG_TOPIC, agencyTopic('police'), agencyTopic('ngo')]);

    const opened = await call<{ caseRef: string }>('police', 'POST', '/cases', {
      facts: { hasLegalStay: false, age: 'adult' },
    });
    expect(opened.status).toBe(201);
    caseRef = opened.body.caseRef;
    for (const party of ['ngo-person', CONTROL_PARTY]) {
      expect(
        (await call('cmm', 'POST', `/cases/${caseRef}/access-grants`, { role: 'ngo', party })).status,
      ).toBe(200);
    }
  }, 120_000);

  afterAll(async () => {
    await reader?.stop();
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await worker?.close();
  });

  it('records the person on a version; each role reads only the sections its work needs', async () => {
    expect((await person('cmm')).body).toMatchObject({ state: 'none', version: 0, present: [] });
    const recorded = await call<PersonView>('cmm', 'PATCH', `/cases/${caseRef}/person`, {
      version: 0,
      identity: { givenNames: CANARY.givenNames, familyName: CANARY.familyName, aliases: [CANARY.alias] },
      birth: { kind: 'exact', date: CANARY.birthDate },
      nationality: { nationalities: ['ERI'] },
      language: { languages: ['ti', 'ar'], interpreterNeeded: true },
      contact: { safePhone: CANARY.phone },
      accommodation: { shelter: CANARY.shelter },
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({ state: 'held', version: 1 });
    // The case view says a record is held and which sections, never a value.
    const caseView = await call<{ person?: unknown }>('police', 'GET', `/cases/${caseRef}`);
    expect(caseView.body.person).toEqual({
      state: 'held',
      present: ['identity', 'birth', 'nationality', 'language', 'contact', 'accommodation'],
    });

    const police = (await person('police')).body;
    expect(Object.keys(police.sections).sort()).toEqual(['birth', 'identity', 'nationality']);
    expect(police.present).toHaveLength(6);
    expect(police.notes).toBeUndefined();
    const ngo = (await person('ngo')).body;
    expect(Object.keys(ngo.sections).sort()).toEqual(['contact', 'identity', 'language']);
    const auditor = (await person('auditor')).body;
    expect(auditor.sections).toEqual({});
    expect(auditor.present).toHaveLength(6);
    // A role without a grant on the case: like an unknown case.
    expect((await person('iom')).status).toBe(404);
  });

  it('refuses bad input with a clear answer and changes nothing', async () => {
    const before = (await person('cmm')).body;
    const refusals: Array<[Role, string, string, unknown, number, string]> = [
      [
        'cmm',
        'PATCH',
        'person',
        { version: 1, identity: { givenNames: 'A', nickname: 'B' } },
        400,
        'VALIDATION_FAILED',
      ],
      ['cmm', 'PATCH', 'person', { version: 1, contact: { safePhone: '12345' } }, 400, 'VALIDATION_FAILED'],
      [
        'cmm',
        'PATCH',
        'person',
        { version: 0, identity: { givenNames: 'Stale' } },
        409,
        'PERSON_VERSION_CONFLICT',
      ],
      [
        'police',
        'PATCH',
        'person',
        { version: 1, contact: { safePhone: '+4511111111' } },
        403,
        'SECTION_NOT_PERMITTED',
      ],
      [
        'auditor',
        'PATCH',
        'person',
        { version: 1, identity: { givenNames: 'X' } },
        403,
        'OPERATION_NOT_PERMITTED',
      ],
      ['cmm', 'POST', 'person/notes', { text: 'x', corrects: 99 }, 422, 'NOTE_NOT_FOUND'],
      ['cmm', 'POST', 'person/notes', { text: '' }, 400, 'VALIDATION_FAILED'],
      ['cmm', 'POST', 'person/erasure', { reason: 'because' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [role, method, path, body, status, code] of refusals) {
      const answer = await call<{ code?: string; detail?: string }>(
        role,
        method,
        `/cases/${caseRef}/${path}`,
        body,
      );
      expect([answer.status, answer.body.code], `${role} ${method} ${path}`).toEqual([status, code]);
      // An error names fields, never echoes a value.
      expect(JSON.stringify(answer.body)).not.toContain('nickname":"B');
    }
    expect((await person('cmm')).body).toEqual(before);
  });

  it('keeps notes append-only: a correction is a new note naming the one it corrects', async () => {
    const first = await call<{ seq: number }>('cmm', 'POST', `/cases/${caseRef}/person/notes`, {
      text: CANARY.note,
    });
    expect(first).toMatchObject({ status: 201, body: { seq: 1 } });
    const fix = await call('ngo', 'POST', `/cases/${caseRef}/person/notes`, {
      text: CANARY.correction,
      corrects: 1,
    });
    expect(fix).toMatchObject({ status: 201, body: { seq: 2, corrects: 1, author: { role: 'ngo' } } });
    const notes = (await person('cmm')).body.notes ?? [];
    expect(notes.map((n) => [n.seq, n.text, n.corrects])).toEqual([
      [1, CANARY.note, undefined],
      [2, CANARY.correction, 1],
    ]);
  });

  it('records every read in the access log by its sections, never a value', async () => {
    const records = await reader.waitFor((messages) =>
      messages.some(
        (m) =>
          m.topic === ACCESS_LOG_TOPIC &&
          (m.event as unknown as AccessRecord).data.caseRef === caseRef &&
          (m.event as unknown as AccessRecord).data.operation === 'viewPerson' &&
          (m.event as unknown as AccessRecord).data.role === 'police',
      ),
    );
    const ofCase = records
      .filter((m) => m.topic === ACCESS_LOG_TOPIC)
      .map((m) => (m.event as unknown as AccessRecord).data)
      .filter((d) => d.caseRef === caseRef);
    const policeRead = ofCase.find((d) => d.operation === 'viewPerson' && d.role === 'police');
    expect(policeRead?.personSections?.sort()).toEqual(['birth', 'identity', 'nationality']);
    const auditorRead = ofCase.find((d) => d.operation === 'viewPerson' && d.role === 'auditor');
    expect(auditorRead?.personSections).toEqual([]);
  });

  it('exports everything held (GDPR Art. 15), then erases the person: the case keeps its process facts', async () => {
    const exported = await call<{ person: PersonView; case: { caseRef: string; stage: string } }>(
      'cmm',
      'GET',
      `/cases/${caseRef}/person/export`,
    );
    expect(exported.status).toBe(200);
    expect(exported.body.person.sections).toMatchObject({ identity: { givenNames: CANARY.givenNames } });
    expect(exported.body.person.notes).toHaveLength(2);
    expect(exported.body.case.caseRef).toBe(caseRef);
    const exportBody = JSON.stringify(exported.body);
    for (const value of CANARY_VALUES) expect(exportBody).toContain(value);

    const stageBefore = (await call<{ stage: string }>('cmm', 'GET', `/cases/${caseRef}`)).body.stage;
    const erased = await call<PersonView>('cmm', 'POST', `/cases/${caseRef}/person/erasure`, {
      reason: 'data-subject-request',
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      state: 'erased',
      sections: {},
      erasure: { byRole: 'cmm', reason: 'data-subject-request' },
    });
    expect((await person('police')).body.state).toBe('erased');
    // The case view says the person was erased, when and on whose decision.
    const caseView = await call<{ person?: unknown }>('ngo', 'GET', `/cases/${caseRef}`);
    expect(caseView.body.person).toMatchObject({
      state: 'erased',
      present: [],
      erasure: { byRole: 'cmm', byOrg: 'cmm', reason: 'data-subject-request' },
    });
    const again = await call<{ code: string }>('cmm', 'PATCH', `/cases/${caseRef}/person`, {
      version: 0,
      identity: { givenNames: 'Again' },
    });
    expect([again.status, again.body.code]).toEqual([409, 'PERSON_ERASED']);
    // The case itself is untouched.
    const after = await call<{ stage: string; caseRef: string }>('cmm', 'GET', `/cases/${caseRef}`);
    expect([after.status, after.body.stage]).toEqual([200, stageBefore]);
  });

  it('tells the agencies holding a grant that the record changed and that it was erased, never what it is', async () => {
    const erasedId = `${caseRef}/person/erased`;
    const read = await reader.waitFor((messages) =>
      [AUDIT_TOPIC, agencyTopic('police'), agencyTopic('ngo')].every((topic) =>
        messages.some((m) => m.topic === topic && m.event.id === erasedId),
      ),
    );
    const ofPerson = read.filter(
      (m) => m.event.subject === caseRef && m.event.type.startsWith('dk.pathway.person-'),
    );
    for (const message of ofPerson) assertMatchesAsyncApi(message.topic, message.event);
    const onPolice = ofPerson.filter((m) => m.topic === agencyTopic('police')).map((m) => m.event.id);
    expect(onPolice).toEqual([
      `${caseRef}/person/v1`,
      `${caseRef}/person/note-1`,
      `${caseRef}/person/note-2`,
      erasedId,
    ]);
    const erased = ofPerson.find((m) => m.topic === AUDIT_TOPIC && m.event.id === erasedId);
    expect(erased?.event).toMatchObject({
      type: 'dk.pathway.person-erased.v1',
      data: { caseRef, by: 'cmm', reason: 'data-subject-request' },
    });
    expect(ofPerson.find((m) => m.event.id === `${caseRef}/person/v1`)?.event.data).toMatchObject({
      sections: ['identity', 'birth', 'nationality', 'language', 'contact', 'accommodation'],
      version: 1,
      by: 'cmm',
    });
  });

  it('canary: none of the values is in Temporal’s, Kafka’s or PostgreSQL’s files, on any topic or in the log; the control is', async () => {
    // Give the broker and Temporal a moment to have everything of this case on disk.
    await reader.waitFor((messages) =>
      messages.some((m) => m.topic === ACCESS_LOG_TOPIC && JSON.stringify(m.event).includes('erasePerson')),
    );
    const hits = await scan(inject('dataDir'), [...CANARY_VALUES, CONTROL_PARTY, caseRef]);
    const leaks = CANARY_VALUES.flatMap((value) =>
      (hits.get(value) ?? []).map((file) => `${value} in ${file}`),
    );
    const control = [...(hits.get(CONTROL_PARTY) ?? []), ...(hits.get(caseRef) ?? [])];
    process.stdout.write(
      `[canary] ${CANARY_VALUES.length} values: ${leaks.length} hits in the servers' files; the controls (a grant's party, the case ref) in ${new Set(control).size} file(s): ${[...new Set(control)].join(', ')}\n`,
    );
    expect(leaks).toEqual([]);
    // The scan sees what is there: the controls are in Temporal's database (the grant, the workflow) and in
    // Kafka's log segments (the case's events), in the files the canary values are absent from.
    expect(hits.get(CONTROL_PARTY)?.some((f) => f.includes('temporal'))).toBe(true);
    expect(hits.get(caseRef)?.some((f) => f.includes('temporal'))).toBe(true);
    expect(hits.get(caseRef)?.some((f) => /kafka|logs/.test(f) && f.endsWith('.log'))).toBe(true);

    const topics = JSON.stringify(reader.messages.map((m) => m.event));
    const logs = gateway.stdout() + gateway.stderr();
    for (const value of CANARY_VALUES) {
      expect(topics, 'a topic').not.toContain(value);
      expect(logs, 'the gateway log').not.toContain(value);
    }
    expect(topics).toContain(caseRef);
    expect(logs).toContain(caseRef);
  });
});
