import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import createClient from 'openapi-fetch';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/repo-root.js';
import { e2eSystem } from '../support/e2e-system.js';
import type { components, paths } from '../../apps/console/src/api/openapi.js';

type Schemas = components['schemas'];

/**
 * What an integrating agency does with the committed contract: generate a client from docs/openapi.json
 * (openapi-typescript's types, the console's, kept current by a unit test), call the real
 * gateway with openapi-fetch, and rely on the answers' types. This file is type-checked with the rest
 * (`npm run typecheck`) and linted with type assertions forbidden: it compiles only if the document types
 * every request and answer it uses. Each answer is also checked against its component schema.
 */
describe('a client generated from docs/openapi.json drives a pathway against the real gateway', () => {
  const e2e = e2eSystem('typed-client');
  const validate = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(validate);

  beforeAll(async () => {
    const document: unknown = JSON.parse(await readFile(join(repoRoot, 'docs', 'openapi.json'), 'utf8'));
    if (typeof document !== 'object' || document === null)
      throw new Error('docs/openapi.json is not an object');
    validate.addSchema(document, 'openapi');
  });

  const clientOf = (token: string) =>
    createClient<paths>({ baseUrl: e2e.gateway.baseUrl, headers: { authorization: `Bearer ${token}` } });

  /** The answer matches the document's component schema (the types say so; this proves the server agrees). */
  function conforms(component: keyof Schemas, answer: unknown): void {
    const check = validate.getSchema(`openapi#/components/schemas/${component}`);
    if (check === undefined) throw new Error(`no component ${component}`);
    expect(check(answer), JSON.stringify(check.errors)).toBe(true);
  }

  function viewOf(answer: Schemas['CaseView'] | Schemas['CaseAccepted'] | undefined): Schemas['CaseView'] {
    if (answer === undefined || !('stage' in answer)) throw new Error('expected the case view');
    conforms('CaseView', answer);
    return answer;
  }

  it('R1 R2 R4 R19 R5: open, interview, identify, hand over to IOM, confirm AVR, extend; then list, view and a refusal', async () => {
    const { tokens } = e2e;
    const police = clientOf(tokens.police);
    const cmm = clientOf(tokens.cmm);
    const dis = clientOf(tokens.dis);
    const iom = clientOf(tokens.iom);

    // R1: police meet the person (no legal stay: DIS is competent).
    const opened = await police.POST('/police/cases', {
      params: { header: { 'Idempotency-Key': `typed-open-${Date.now()}` } },
      body: { facts: { hasLegalStay: false, age: 'adult' } },
    });
    expect(opened.response.status).toBe(201);
    const caseRef = viewOf(opened.data).caseRef;
    const path = { caseRef };

    // R2: CMM interviews and submits; R4: DIS identifies and the reflection period starts.
    expect(
      (await cmm.POST('/cmm/cases/{caseRef}/record-interview', { params: { path }, body: {} })).response
        .status,
    ).toBe(200);
    const submitted = await cmm.POST('/cmm/cases/{caseRef}/submit-for-identification', {
      params: { path },
      body: {},
    });
    expect(viewOf(submitted.data).stage).toBe('awaiting-identification');
    const identified = await dis.POST('/dis/cases/{caseRef}/decide-identification', {
      params: { path },
      body: { outcome: 'identified' },
    });
    const period = viewOf(identified.data);
    expect(period.stage).toBe('reflection-period');
    expect(period.deadlines.map((deadline) => deadline.kind)).toContain('reflection-period-end');

    // R19: CMM hands the case to IOM, which confirms AVR cooperation.
    const handed = await cmm.POST('/cmm/cases/{caseRef}/access-grants', {
      params: { path },
      body: { role: 'iom', party: 'iom-dk' },
    });
    expect(viewOf(handed.data).access).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'iom' })]),
    );
    const confirmed = await iom.POST('/iom/cases/{caseRef}/confirm-avr-cooperation', {
      params: { path },
      body: {},
    });
    expect(viewOf(confirmed.data).stage).toBe('reflection-period');

    // R5: CMM requests 30 more days on the AVR ground; DIS grants them.
    const requested = await cmm.POST('/cmm/cases/{caseRef}/request-extension', {
      params: { path },
      body: { days: 30, ground: 'avr-cooperation' },
    });
    expect(requested.response.status).toBe(200);
    const extended = await dis.POST('/dis/cases/{caseRef}/decide-extension', {
      params: { path },
      body: { outcome: 'granted', days: 30 },
    });
    expect(viewOf(extended.data).deadlines.map((deadline) => deadline.kind)).toContain(
      'reflection-period-end',
    );

    // A refusal is typed as a problem: beyond the 120-day cap (R5), with the rule and the figures.
    const beyond = await cmm.POST('/cmm/cases/{caseRef}/request-extension', {
      params: { path },
      body: { days: 365, ground: 'avr-cooperation' },
    });
    expect(beyond.response.status).toBe(422);
    conforms('Problem', beyond.error);
    expect(beyond.error).toMatchObject({ code: 'EXTENSION_BEYOND_CAP', rule: 'R5' });

    // Listings and the view, as the document types them.
    const listed = await cmm.GET('/cmm/cases', {
      params: { query: { stage: 'reflection-period', limit: 200 } },
    });
    expect(listed.response.status).toBe(200);
    for (const row of listed.data ?? []) conforms('CaseloadEntry', row);
    const mine = await dis.GET('/dis/deadlines', { params: { query: { days: 366 } } });
    expect(mine.response.status).toBe(200);
    for (const row of mine.data ?? []) conforms('DeadlineEntry', row);
    const viewed = await iom.GET('/iom/cases/{caseRef}', { params: { path } });
    expect(viewOf(viewed.data).caseRef).toBe(caseRef);

    // An unknown case is a typed 404 problem; the directory is typed too.
    const unknown = await iom.GET('/iom/cases/{caseRef}', {
      params: { path: { caseRef: 'PW-0000000000AA' } },
    });
    expect(unknown.response.status).toBe(404);
    conforms('Problem', unknown.error);
    expect(unknown.error?.code).toBe('CASE_NOT_FOUND');
    const directory = await iom.GET('/directory');
    conforms('Directory', directory.data);
    expect(directory.data?.agencies.map((agency) => agency.id)).toContain('iom');
  });
});
