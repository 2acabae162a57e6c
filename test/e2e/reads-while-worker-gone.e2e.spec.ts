import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { Role } from '../../libs/contracts/src/index.js';
import type { CallResult } from '../support/gateway-harness.js';
import { e2eSystem } from '../support/e2e-system.js';

const ADULT_WITHOUT_STAY = { facts: { hasLegalStay: false, age: 'adult' } };
/** The console asks for this many cases' persons at once (the caseload page). */
const CASES = 25;
const TIMEOUT_MS = 5_000;
const RETRY_AFTER = '7';
/**
 * Temporal's matching service answers a query with FAILED_PRECONDITION "no poller seen for task queue recently"
 * (1 s before the caller's deadline) once no worker has polled the queue for `matching.queryPollerUnavailableWindow`
 * (20 s by default); before that the query just runs into the deadline. Wait past the window.
 */
const POLLER_UNAVAILABLE_WINDOW_MS = 20_000;
const CANARY = { givenNames: 'Goneworkergivenqx', familyName: 'Goneworkerfamilyqx' } as const;

/**
 * Every read of a case while its worker has been gone for a while (not just stopped): the person (as the
 * coordinator, the referring police unit and a granted NGO), the case view and its available acts, for many
 * cases at once. A case whose last view the gateway holds under the version the case names (ADR 0023) is read
 * as usual, without the worker. One whose view must come from the workflow is 503 with Retry-After and a
 * problem body (ADR 0008), never a 500, and names nothing of the person.
 */
describe('reads of a case whose worker has been gone for a while', () => {
  const e2e = e2eSystem('worker-gone', {
    gateway: {
      gatewayEnv: {
        GATEWAY_TEMPORAL_TIMEOUT_MS: String(TIMEOUT_MS),
        GATEWAY_RETRY_AFTER_SECONDS: RETRY_AFTER,
      },
    },
  });

  const expectUnavailable = (what: string, answer: CallResult): void => {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
    expect(answer.headers.get('retry-after'), what).toBe(RETRY_AFTER);
    expect(answer.headers.get('content-type'), what).toMatch(/application\/problem\+json/);
    expect(answer.body, what).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const said = JSON.stringify(answer.body) + JSON.stringify([...answer.headers.entries()]);
    for (const value of Object.values(CANARY)) expect(said, what).not.toContain(value);
  };

  it(`the person, the case and its acts of ${CASES} cases read at once: the stored views answered, the others 503 with Retry-After, no person data`, async () => {
    const { gateway, tokens } = e2e;
    const ngo = await gateway.token('ngo', 'ngo-gone');
    const refs: string[] = [];
    // One after another: a worker that has just started answers 25 opens at once late (202).
    for (let i = 0; i < CASES; i++) {
      const { caseRef } = await gateway.open(tokens.police, 'police', ADULT_WITHOUT_STAY);
      const granted = await gateway.call('POST', `/cmm/cases/${caseRef}/access-grants`, {
        token: tokens.cmm,
        body: { role: 'ngo', party: 'ngo-gone' },
      });
      expect(granted.status).toBe(200);
      const recorded = await gateway.call('PATCH', `/cmm/cases/${caseRef}/person`, {
        token: tokens.cmm,
        body: { version: 0, identity: { givenNames: CANARY.givenNames, familyName: CANARY.familyName } },
      });
      expect(recorded.status).toBe(200);
      refs.push(caseRef);
    }
    // The person is readable while the worker runs (so what follows is about the worker, not the data).
    const held = await gateway.call('GET', `/ngo/cases/${refs[0]}/person`, { token: ngo });
    expect(JSON.stringify(held.body)).toContain(CANARY.givenNames);
    const viewsBefore = new Map<string, unknown>();
    for (const ref of refs) {
      viewsBefore.set(ref, (await gateway.call('GET', `/cmm/cases/${ref}`, { token: tokens.cmm })).body);
    }
    // Every other case loses its stored view (as if never stored): its reads must ask the workflow.
    const stored = refs.filter((_, i) => i % 2 === 0);
    const unstored = refs.filter((_, i) => i % 2 === 1);
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      const held = await db.query<{ case_ref: string }>(
        'SELECT case_ref FROM case_views WHERE case_ref = ANY($1)',
        [refs],
      );
      expect(held.rows.map((row) => row.case_ref).sort()).toEqual([...refs].sort());
      await db.query('DELETE FROM case_views WHERE case_ref = ANY($1)', [unstored]);
    } finally {
      await db.end();
    }

    await gateway.stopWorker();
    try {
      await new Promise((resolve) => setTimeout(resolve, POLLER_UNAVAILABLE_WINDOW_MS + 1_000));
      const readers: ReadonlyArray<readonly [Role, string]> = [
        ['cmm', tokens.cmm],
        ['police', tokens.police],
        ['ngo', ngo],
      ];
      const reads: ReadonlyArray<readonly [Role, string, string]> = [
        ...readers.map(([role, token]) => [role, token, '/person'] as const),
        ['cmm', tokens.cmm, ''],
        ['cmm', tokens.cmm, '/available-acts'],
      ];
      const timings: string[] = [];
      for (const [role, token, suffix] of reads) {
        const started = Date.now();
        const answers = await Promise.all(
          refs.map((ref) => gateway.call('GET', `/${role}/cases/${ref}${suffix}`, { token })),
        );
        const ms = Date.now() - started;
        timings.push(`${role} …${suffix || '/'} ${ms} ms`);
        answers.forEach((answer, i) => {
          const ref = refs[i] ?? '';
          const what = `GET /${role}/cases/${ref}${suffix}`;
          if (unstored.includes(ref)) {
            expectUnavailable(what, answer);
            return;
          }
          expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(200);
          if (suffix === '') expect(answer.body, what).toEqual(viewsBefore.get(ref));
          if (suffix === '/person' && role !== 'police')
            expect(JSON.stringify(answer.body), what).toContain(CANARY.givenNames);
        });
        // Bounded by the configured deadline, not by Temporal's own.
        expect(ms).toBeLessThan(TIMEOUT_MS * 3);
      }
      process.stdout.write(
        `worker gone: ${CASES} reads at once, ${stored.length} answered from stored views, ${unstored.length} 503 (${timings.join(', ')})\n`,
      );
    } finally {
      await gateway.startWorker();
    }
    // Back: the person is read again.
    await expect
      .poll(
        async () => (await gateway.call('GET', `/cmm/cases/${refs[0]}/person`, { token: tokens.cmm })).status,
        {
          timeout: 60_000,
          interval: 500,
        },
      )
      .toBe(200);
  }, 180_000);
});
