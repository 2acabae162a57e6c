import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ACCESS_MATRIX,
  CASE_OPERATIONS,
  ROLE_SCOPE,
  isCaseScoped,
  type Operation,
} from '../../libs/access/src/index.js';
import {
  AGENCY_COMMAND_TYPES,
  ROLES,
  type AgencyCommandType,
  type Role,
} from '../../libs/contracts/src/index.js';
import { agencyRoutes } from '../../apps/gateway/src/http/agency-routes.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';

/**
 * The authorisation matrix over HTTP: every operation × every role × every object scope, each cell called
 * with a real token on the real gateway (real Temporal behind it), its answer compared with the matrix.
 * The cells are enumerated from the lists of operations and roles, not from the matrix, so an operation
 * without a matrix entry cannot go untested; the routes in the OpenAPI document must be exactly the
 * permitted cells.
 */

/** A valid body for every act (acts refused by the domain still prove the caller got through). */
const SAMPLE_BODIES: { readonly [A in AgencyCommandType]: Record<string, unknown> } = {
  recordInterview: {},
  submitForIdentification: {},
  decideIdentification: { outcome: 'identified' },
  courtGrantsStatus: {},
  concludeCriminalCase: {},
  changeLegalStatus: { change: { kind: 'siri-responsible', siriResponsible: false } },
  recordAgeAssessment: { outcome: 'child' },
  appointGuardian: {},
  decideBestInterest: { familyTracing: false, durableSolution: 'undetermined' },
  startFamilyTracing: {},
  confirmAvrCooperation: {},
  draftAvrPlan: {},
  requestExtension: { days: 30, ground: 'avr-cooperation' },
  decideExtension: { outcome: 'refused' },
  applyForPermit: { victimCooperatesWithPolice: true },
  requestPermitRenewal: { victimCooperatesWithPolice: true },
  decidePermit: { outcome: 'refused' },
  applyForWorkPermit: {},
  decideWorkPermit: {},
  endInvestigation: {},
  applyForAsylum: {},
  decideAsylum: { outcome: 'refused' },
  recordDeparture: {},
  recordArrival: {},
  recordCheckIn: {},
  closeCase: { reason: 'referred-in-error' },
};

type Scope = 'national' | 'own' | 'foreign' | 'none' | 'no-case';
type Outcome = 'allowed' | 'forbidden' | 'not-found';

function scopesOf(role: Role, operation: Operation): Scope[] {
  if (!isCaseScoped(operation)) return ['no-case'];
  return ROLE_SCOPE[role] === 'national' ? ['national'] : ['own', 'foreign', 'none'];
}

function expected(role: Role, operation: Operation, scope: Scope): Outcome {
  if (!ACCESS_MATRIX[operation].includes(role)) return 'forbidden';
  return scope === 'foreign' || scope === 'none' ? 'not-found' : 'allowed';
}

const OWN = (role: Role): string => (role === 'guardian' ? 'guardian-own' : `${role}-own`);
const OTHER = (role: Role): string => (role === 'guardian' ? 'guardian-other' : `${role}-other`);

describe('authorisation matrix: every operation × role × scope over HTTP', () => {
  let system: RunningGateway;
  const tokens = new Map<Role, string>();
  /** Cases per scope: `own` holds a grant for every granted role's own party, `foreign` for others'. */
  const cases: Partial<Record<'own' | 'foreign' | 'none' | 'national', string>> = {};
  /** Per role: a calendar feed to read (its secret) and one to revoke (its id), made with its bearer token. */
  const feeds = new Map<Role, { secret: string; revocable: string }>();

  beforeAll(async () => {
    system = await startGateway({
      temporalAddress: inject('temporalAddress'),
      kafkaBrokers: inject('kafkaBrokers'),
      taskQueue: `e2e-matrix-${Date.now()}`,
    });
    for (const role of ROLES) {
      tokens.set(role, await system.token(role, OWN(role), OWN(role)));
    }
    const cmm = tokens.get('cmm')!;
    const referral = { facts: { hasLegalStay: false, age: 'adult' } };
    for (const scope of ['own', 'foreign', 'none', 'national'] as const) {
      cases[scope] = (await system.open(cmm, 'cmm', referral)).caseRef;
    }
    for (const role of ROLES.filter((r) => ROLE_SCOPE[r] === 'granted')) {
      for (const [scope, party] of [
        ['own', OWN(role)],
        ['foreign', OTHER(role)],
      ] as const) {
        const granted = await system.call('POST', `/cmm/cases/${cases[scope]}/access-grants`, {
          token: cmm,
          body: { role, party },
        });
        expect(granted.status).toBe(200);
      }
    }
    for (const role of ROLES) {
      const made = [];
      for (const label of ['matrix read', 'matrix revoke']) {
        const created = await system.call<{ id: string; url: string }>('POST', `/${role}/calendar-feeds`, {
          token: tokens.get(role)!,
          body: { label },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        made.push(created.body);
      }
      feeds.set(role, {
        secret: new URL(made[0]!.url).searchParams.get('token')!,
        revocable: made[1]!.id,
      });
    }
  });

  afterAll(async () => {
    await system?.close();
  });

  function request(
    role: Role,
    operation: Operation,
    caseRef: string | undefined,
  ): { method: string; path: string; body?: unknown } {
    const route = agencyRoutes([role]).find((r) => r.operation === operation)!;
    const path = route.path
      .replace(':caseRef', caseRef ?? 'PW-000000000000')
      .replace(':feedId', feeds.get(role)?.revocable ?? '00000000-0000-4000-8000-000000000000')
      .replace(':grantRole', 'ngo')
      .replace(':party', 'matrix-probe');
    if (operation === 'openCase')
      return { method: 'POST', path, body: { facts: { hasLegalStay: true, age: 'adult' } } };
    if (operation === 'grantAccess')
      return { method: 'POST', path, body: { role: 'ngo', party: 'matrix-probe' } };
    // The person: a change on version 0 (a later one is 409 PERSON_VERSION_CONFLICT: still through), a note,
    // an erasure (after it, changes are 409 PERSON_ERASED).
    if (operation === 'recordPerson')
      return { method: 'PATCH', path, body: { version: 0, identity: { givenNames: 'Matrix' } } };
    if (operation === 'addCaseNote') return { method: 'POST', path, body: { text: 'matrix probe' } };
    if (operation === 'erasePerson')
      return { method: 'POST', path, body: { reason: 'data-subject-request' } };
    // Temporal's codec server: an empty batch of payloads.
    if (operation === 'decodePayloads' || operation === 'encodePayloads')
      return { method: 'POST', path, body: { payloads: [] } };
    // Calendar feeds: one made with a label; the feed read with its secret (the bearer header is ignored).
    if (operation === 'createCalendarFeed') return { method: 'POST', path, body: { label: 'matrix probe' } };
    if (operation === 'deadlineCalendar')
      return { method: 'GET', path: `${path}?token=${feeds.get(role)?.secret ?? ''}` };
    if ((AGENCY_COMMAND_TYPES as readonly string[]).includes(operation)) {
      return { method: 'POST', path, body: SAMPLE_BODIES[operation as AgencyCommandType] };
    }
    return { method: route.method, path };
  }

  function classify(status: number, code: unknown): Outcome | `unexpected ${number} ${string}` {
    if (status === 403 && code === 'OPERATION_NOT_PERMITTED') return 'forbidden';
    if (status === 404 && code === 'CASE_NOT_FOUND') return 'not-found';
    // Through authentication and authorisation: done, or refused by the domain / a conflict.
    if ([200, 201, 204, 409, 422].includes(status)) return 'allowed';
    return `unexpected ${status} ${String(code)}`;
  }

  it('answers every cell as the matrix says (0 mismatches) and covers 100 % of the cells', async () => {
    const operations: Operation[] = [...CASE_OPERATIONS, ...AGENCY_COMMAND_TYPES];
    const mismatches: string[] = [];
    let cells = 0;
    for (const role of ROLES) {
      for (const operation of operations) {
        for (const scope of scopesOf(role, operation)) {
          const caseRef = scope === 'no-case' ? undefined : cases[scope];
          const { method, path, body } = request(role, operation, caseRef);
          const response = await system.call<{ code?: string }>(method, path, {
            token: tokens.get(role)!,
            ...(body !== undefined ? { body } : {}),
          });
          const got = classify(response.status, response.body?.code);
          const want = expected(role, operation, scope);
          cells += 1;
          if (got !== want) mismatches.push(`${role} ${operation} [${scope}]: want ${want}, got ${got}`);
        }
      }
    }
    const expectedCells = ROLES.reduce(
      (sum, role) => sum + operations.reduce((n, op) => n + scopesOf(role, op).length, 0),
      0,
    );
    expect(mismatches).toEqual([]);
    expect(cells).toBe(expectedCells);
    process.stdout.write(
      `[matrix] ${cells} cells (${ROLES.length} roles × ${operations.length} operations × scopes), 0 mismatches\n`,
    );
  });

  it('a token of one role on another role’s gateway is 403 WRONG_ROLE, for every pair of roles', async () => {
    const wrong: string[] = [];
    for (const caller of ROLES) {
      for (const gateway of ROLES.filter((r) => r !== caller)) {
        const response = await system.call<{ code?: string }>('GET', `/${gateway}/cases`, {
          token: tokens.get(caller)!,
        });
        if (response.status !== 403 || response.body?.code !== 'WRONG_ROLE') {
          wrong.push(`${caller} on /${gateway}: ${response.status} ${String(response.body?.code)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents exactly the permitted cells in OpenAPI: no route exists without a matrix entry', async () => {
    const doc = (
      await system.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs/openapi.json')
    ).body;
    const documented = Object.entries(doc.paths)
      // Health (no token), the agency directory (any authenticated role) and the embedded default's local
      // sign-in are not agency operations.
      .filter(([path]) => !path.startsWith('/health') && !path.startsWith('/auth/') && path !== '/directory')
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const permitted = agencyRoutes()
      .filter((r) => r.permitted)
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(documented).toEqual(permitted);
    expect(permitted.length).toBe(Object.values(ACCESS_MATRIX).reduce((sum, roles) => sum + roles.length, 0));
  });
});
