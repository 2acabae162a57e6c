import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { SearchAttributeKeys, openingOf, type Opening, type Referral } from '../libs/contracts/src/index.js';
import { currentDeadlines, instant, pendingActions, type Instant } from '../libs/domain/src/index.js';
import { scenario } from '../libs/domain/src/testing/scenario.fixtures.js';
import { POLICY, plusDays, plusMonths, remindedAt } from '../test/support/policy-time.js';
import { DAY, dataOf, ofType, withCase } from '../test/support/pathway-harness.js';
import { residencePermitWorkflow } from './pathway-clock.workflow.js';
import { getCase } from './victim-pathway.workflow.js';

const HISTORIES = fileURLToPath(new URL('../test/replay/histories/', import.meta.url));
const ADULT_WITHOUT_STAY: Referral = {
  by: 'police',
  channel: 'first-encounter',
  facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
};

/**
 * The pathway on the real time-skipping test server, with the literal policy durations: weeks and months
 * pass in seconds. Activities publish to an in-memory recorder: these tests assert *what* leaves the
 * workflow and *when* (delivery to Kafka is asserted in the integration and e2e tiers).
 */
describe('victimPathwayWorkflow on the time-skipping test server', () => {
  it('R1 R4 R5 R11 R12 R14 R16 R19: the full pathway — reflection extended to the cap on AVR cooperation, two police renewals, investigation ended, return, six months of monitoring with one missed check-in', async () => {
    const wallStarted = performance.now();
    await withCase('full', ADULT_WITHOUT_STAY, async (run) => {
      const t0 = instant(await run.now());
      // R2: interview (evidence) then the decision of the competent authority (R1: no legal stay → DIS).
      await run.act('recordInterview', { by: 'cmm' });
      await run.act('submitForIdentification', { by: 'cmm' });
      const identified = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      expect(identified.stage).toBe('reflection-period');
      const reflectionEnd = identified.deadlines.find((d) => d.kind === 'reflection-period-end');
      expect(reflectionEnd!.dueAt).toBe(plusDays(reflectionEnd!.explanation.startsAt, 30)); // R4

      // R5/R19: AVR cooperation confirmed; the victim (via CMM) asks to extend; beyond the cap is refused.
      await run.act('confirmAvrCooperation', { by: 'iom' });
      await run.act('draftAvrPlan', { by: 'iom' });
      await run.skipTo(instant(Date.parse(t0) + 15 * DAY));
      await expect(
        run.act('requestExtension', { by: 'cmm', days: 91, ground: 'avr-cooperation' }),
      ).rejects.toMatchObject({
        cause: { type: 'EXTENSION_BEYOND_CAP' },
      });
      await run.act('requestExtension', { by: 'cmm', days: 90, ground: 'avr-cooperation' });
      const extended = await run.act('decideExtension', { by: 'dis', outcome: 'granted', days: 90 });
      const periodEnd = extended.deadlines.find((d) => d.kind === 'reflection-period-end')!;
      expect(periodEnd.dueAt).toBe(plusDays(periodEnd.explanation.startsAt, 120)); // R5: the cap, exactly
      expect(periodEnd.explanation.extensions).toHaveLength(1);

      // R11: police apply for the §9c(5) permit before the period ends; DIS grants the first 6-month term.
      await run.skipTo(instant(Date.parse(t0) + 100 * DAY));
      await run.act('applyForPermit', { by: 'police', victimCooperatesWithPolice: true });
      const permitted = await run.act('decidePermit', { by: 'dis', outcome: 'granted' });
      expect(permitted.stage).toBe('permit');
      const term1End = permitted.deadlines.find((d) => d.kind === 'permit-expiry')!.dueAt;

      // R12: each renewal needs a new police application; reminders reach the police 30 and 7 days before.
      const renew = async (expiry: string): Promise<string> => {
        await run.skipTo(instant(Date.parse(expiry) - 20 * DAY));
        await run.act('requestPermitRenewal', { by: 'police', victimCooperatesWithPolice: true });
        const renewed = await run.act('decidePermit', { by: 'dis', outcome: 'granted' });
        const next = renewed.deadlines.find((d) => d.kind === 'permit-expiry')!.dueAt;
        expect(next).toBe(plusMonths(expiry, 6)); // the next term chains from the previous end
        return next;
      };
      const term2End = await renew(term1End);
      const term3End = await renew(term2End);

      // R11/R16: the investigation ends; no renewal after it; the return planned under AVR follows (R15).
      await run.skipTo(instant(Date.parse(term3End) - 60 * DAY));
      const ended = await run.act('endInvestigation', { by: 'police' });
      expect(ended.stage).toBe('avr-return');
      await expect(
        run.act('requestPermitRenewal', { by: 'police', victimCooperatesWithPolice: true }),
      ).rejects.toMatchObject({
        cause: { type: expect.stringMatching(/INVESTIGATION_ENDED|NOT_IN_STAGE/) },
      });

      // R14: departure, arrival, six months of monitoring with monthly check-ins by IOM; slot 3 is missed.
      await run.skipTo(instant(Date.parse(term3End) - 50 * DAY));
      await run.act('recordDeparture', { by: 'iom' });
      const arrived = await run.act('recordArrival', { by: 'iom' });
      expect(arrived.stage).toBe('monitoring');
      const arrival = arrived.state.stage === 'not-started' ? t0 : arrived.state.monitoring!.arrivedAt;
      const month = (n: number, days = 0): Instant => plusDays(plusMonths(arrival, n), days);
      // (dk-2013.2: a check-in counts from 10 days before its slot is due)
      await run.skipTo(month(1, -5));
      await run.act('recordCheckIn', { by: 'iom' });
      await run.skipTo(month(2, -5));
      await run.act('recordCheckIn', { by: 'iom' });
      // (no check-in in the third month)
      await run.skipTo(month(3, 10));
      await run.act('recordCheckIn', { by: 'iom' }); // slot 3, late
      await run.skipTo(month(4, -5));
      await run.act('recordCheckIn', { by: 'iom' }); // slot 4
      await run.skipTo(month(5, -5));
      await run.act('recordCheckIn', { by: 'iom' });
      await run.skipTo(month(6, -5));
      await run.act('recordCheckIn', { by: 'iom' });
      const final = await run.handle.result();
      expect(final.stage).toBe('closed');

      const events = run.events();
      // Reminders before the reflection period's original end went to DIS's responsibility holder…
      const reminders = ofType(events, 'dk.pathway.deadline-reminder.v1');
      const permitReminders = reminders.filter((e) => dataOf(e)['deadlineKind'] === 'permit-expiry');
      // R12: 30 and 7 days before each of the three expiries that were reached by time (terms 1 and 2), and
      // the 30-day one of term 3 before the investigation ended → police.
      for (const expiry of [term1End, term2End]) {
        const at30 = permitReminders.find(
          (e) => dataOf(e)['dueAt'] === expiry && dataOf(e)['daysBefore'] === 30,
        );
        expect(at30?.time).toBe(remindedAt(expiry, 30));
        expect(dataOf(at30)['responsible']).toBe('police');
      }
      // A reminder stops once its act is done: term 1 was renewed 20 days before expiry, so no 7-day reminder.
      expect(
        permitReminders.filter((e) => dataOf(e)['dueAt'] === term1End).map((e) => dataOf(e)['daysBefore']),
      ).toEqual([30]);
      // Term 3 ended with the investigation before any reminder was due (R11: no renewal after it).
      expect(permitReminders.filter((e) => dataOf(e)['dueAt'] === term3End)).toEqual([]);
      // The reflection period's end moved to the cap and the permit came first: no period reminder was needed.
      expect(reminders.filter((e) => dataOf(e)['deadlineKind'] === 'reflection-period-end')).toEqual([]);
      // R14: IOM is reminded 3 days before the check-in it then missed (slot 3), and of no check-in it made.
      const checkInReminders = reminders.filter((e) => dataOf(e)['deadlineKind'] === 'check-in');
      expect(
        checkInReminders.map((e) => [dataOf(e)['deadlineId'], e.time, dataOf(e)['responsible']]),
      ).toContainEqual(['check-in:3', remindedAt(month(3), 3), 'iom']);
      // Acts are stamped at the simulated instant they happened.
      const granted = ofType(events, 'dk.pathway.extension-granted.v1');
      expect(granted).toHaveLength(1);
      expect(Date.parse(granted[0]!.time) - Date.parse(t0)).toBeGreaterThanOrEqual(15 * DAY);
      expect(
        ofType(events, 'dk.pathway.permit-granted.v1').map((e) => dataOf(e)['termNo'] ?? e.time),
      ).toHaveLength(3);
      // R14/R17: the missed third check-in escalates to CMM after the policy's 3 days of grace.
      const missed = ofType(events, 'dk.pathway.deadline-missed.v1');
      expect(missed).toHaveLength(1);
      expect(missed[0]!.time).toBe(month(3, 3));
      expect(dataOf(missed[0])['escalateTo']).toEqual(['cmm']);
      // R14/R16: reintegration monitoring ends six months after arrival; the case closes.
      const completed = ofType(events, 'dk.pathway.reintegration-completed.v1');
      expect(completed.map((e) => e.time)).toEqual([month(6)]);
      expect(ofType(events, 'dk.pathway.case-closed.v1')).toHaveLength(1);
      // Every event is about this case, with a deterministic id; none is published twice.
      expect(events.every((e) => e.subject === run.caseRef && e.id.startsWith(`${run.caseRef}/`))).toBe(true);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

      // ADR 0011: the case holds every timer itself; no stage clock (child workflow) was started.
      for (const clock of ['residence-permit', 'reintegration-monitoring']) {
        await expect(
          run.env.client.workflow.getHandle(`${run.caseRef}/${clock}/1`).describe(),
        ).rejects.toThrow(/not found/i);
      }

      if (process.env['RECORD_HISTORIES'] === '1') {
        await mkdir(HISTORIES, { recursive: true });
        await writeFile(
          `${HISTORIES}victim-pathway.full-pathway.local-first.json`,
          historyToJSON(await run.handle.fetchHistory()),
        );
      }
    });
    process.stdout.write(
      `full pathway (≈2 years simulated) ran in ${((performance.now() - wallStarted) / 1000).toFixed(1)} s of wall time\n`,
    );
  });

  it('ADR 0011: a case carried over with its permit clock running stops the clock and holds the permit timers itself (R12)', async () => {
    // Given: a case in the permit stage that continued as new while its stage clock (a child workflow, as
    // cases ran before ADR 0011) held the term's timers.
    let clockId = '';
    let expiry = instant(0);
    await withCase(
      'retired-clock',
      ADULT_WITHOUT_STAY,
      async (run) => {
        // When: the case runs on today's code.
        const clock = run.env.client.workflow.getHandle(clockId);
        // Then: the clock is stopped without reporting a timer, and the case keeps the term's reminders.
        expect(await clock.result()).toEqual({ timersDue: 0 });
        await run.skipTo(plusDays(expiry, -6));
        const reminders = ofType(run.events(), 'dk.pathway.deadline-reminder.v1').filter(
          (e) => dataOf(e)['deadlineKind'] === 'permit-expiry',
        );
        expect(reminders.map((e) => [dataOf(e)['daysBefore'], e.time])).toEqual([
          [30, remindedAt(expiry, 30)],
          [7, remindedAt(expiry, 7)],
        ]);
        const history = await run.handle.fetchHistory();
        const markers = (history.events ?? []).flatMap((e) =>
          e.markerRecordedEventAttributes?.markerName === 'core_patch'
            ? [e.markerRecordedEventAttributes]
            : [],
        );
        expect(markers.length).toBeGreaterThan(0);
        await run.handle.terminate('test done');
      },
      {
        prepare: async ({ env, taskQueue, caseRef, now }) => {
          const given = scenario(POLICY, now).refer().identify().grantPermit();
          const permit = pendingActions(given.state, POLICY).filter(
            (a) => a.deadlineKind === 'permit-expiry',
          );
          expiry = currentDeadlines(given.state, POLICY).find((d) => d.kind === 'permit-expiry')!.dueAt;
          clockId = `${caseRef}/residence-permit/1`;
          const timers = permit.map((a) => ({ id: a.id, at: a.at }));
          await env.client.workflow.start(residencePermitWorkflow, {
            workflowId: clockId,
            taskQueue,
            args: [{ caseRef, timers }],
          });
          return {
            state: given.state,
            firedActionIds: [],
            eventSeq: given.events.length,
            outbox: [],
            timeline: [],
            clocks: { 'residence-permit': { workflowId: clockId, sent: JSON.stringify(timers) } },
            clockRuns: { 'residence-permit': 1 },
          };
        },
      },
    );
  });

  it('R4 R10: a reflection period that ends without another basis requires departure, with reminders 10 and 3 days before', async () => {
    await withCase('reflection', ADULT_WITHOUT_STAY, async (run) => {
      const t0 = Date.parse(instant(await run.now()));
      const versionNamed = async () =>
        (await run.handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.viewVersion);
      const interviewed = await run.act('recordInterview', { by: 'ngo' });
      // ADR 0023: each act's view is numbered, and `PathwayViewVersion` names it once its events are out.
      await expect.poll(versionNamed).toBe(interviewed.version);
      const submitted = await run.act('submitForIdentification', { by: 'cmm' });
      const identified = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      expect([interviewed, submitted, identified].map((v) => v.version)).toEqual([
        expect.any(Number),
        (interviewed.version ?? 0) + 1,
        (interviewed.version ?? 0) + 2,
      ]);
      await expect.poll(versionNamed).toBe(identified.version);
      const end = identified.deadlines.find((d) => d.kind === 'reflection-period-end')!;
      expect(end.explanation).toMatchObject({ rule: 'R4', policyVersion: POLICY.version });
      await run.skipTo(instant(t0 + 31 * DAY));
      const state = await run.handle.query(getCase);
      expect(state.stage).toBe('departure-required');
      // The timers changed the view (two reminders, then the period's end): a newer number, named at once.
      expect(state.version).toBeGreaterThan((identified.version ?? 0) + 2);
      expect(await versionNamed()).toBe(state.version);
      const events = run.events();
      const reminders = ofType(events, 'dk.pathway.deadline-reminder.v1').filter(
        (e) => dataOf(e)['deadlineKind'] === 'reflection-period-end',
      );
      expect(reminders.map((e) => dataOf(e)['daysBefore'])).toEqual([10, 3]);
      expect(reminders.map((e) => e.time)).toEqual([remindedAt(end.dueAt, 10), remindedAt(end.dueAt, 3)]);
      const ended = ofType(events, 'dk.pathway.period-ended.v1');
      expect(ended.map((e) => e.time)).toEqual([end.dueAt]);
      await run.handle.terminate('test done');
    });
  });

  describe('ADR 0024: a case its gateway opened with the view it built', () => {
    const CHILD: Referral = {
      by: 'police',
      channel: 'first-encounter',
      facts: { hasLegalStay: false, isDefendant: false, age: 'child' },
    };
    const access = [{ role: 'police', party: 'nec', by: 'police', at: '2000-01-01T00:00:00.000Z' }] as const;
    const versionNamed = async (run: { handle: { describe(): Promise<WorkflowExecutionDescription> } }) =>
      (await run.handle.describe()).typedSearchAttributes.get(SearchAttributeKeys.viewVersion);

    it('opens at the referral’s instant, with the gateway’s view as number 1, and numbers the next act 2', async () => {
      let built: Opening | undefined;
      await withCase(
        'gateway-opened',
        CHILD,
        async (run) => {
          expect(built?.ok).toBe(true);
          if (!built?.ok) return;
          // The first task's view is the gateway's, number and all (the gateway answered and stored that one).
          const view = await run.handle.query(getCase);
          expect(view).toEqual(JSON.parse(JSON.stringify(built.view)));
          expect(view.version).toBe(1);
          expect(view.deadlines.map((d) => d.kind)).toContain('guardian-appointment');
          // Named at the start; the first task found nothing else to name.
          expect(await versionNamed(run)).toBe(1);
          await expect.poll(() => run.events().length).toBeGreaterThan(0);
          expect(await versionNamed(run)).toBe(1);
          // The referral's events carry the referral's instant.
          expect(run.events()[0]?.time).toBe(built.view.timeline[0]?.at);
          const interviewed = await run.act('recordInterview', { by: 'cmm' });
          expect(interviewed.version).toBe(2);
          await expect.poll(() => versionNamed(run)).toBe(2);
          if (process.env['RECORD_HISTORIES'] === '1') {
            await mkdir(HISTORIES, { recursive: true });
            await writeFile(
              `${HISTORIES}victim-pathway.gateway-opened.local-first.json`,
              historyToJSON(await run.handle.fetchHistory()),
            );
          }
          await run.handle.terminate('test done');
        },
        {
          access: [...access],
          opened: ({ now, caseRef }) => {
            built = openingOf({ caseRef, referral: CHILD, access }, now);
            return { at: now, digest: built.ok ? built.digest : '' };
          },
        },
      );
    });

    it('numbers its own view 2, named at once, when the gateway’s digest is not its view’s', async () => {
      await withCase(
        'gateway-opened-otherwise',
        ADULT_WITHOUT_STAY,
        async (run) => {
          await expect.poll(() => versionNamed(run)).toBe(2);
          expect((await run.handle.query(getCase)).version).toBe(2);
          await run.handle.terminate('test done');
        },
        { opened: ({ now }) => ({ at: now, digest: 'not-the-view' }) },
      );
    });

    it('opens at workflow time, numbered 2, when the gateway dates the referral later than the case’s own time', async () => {
      let future = instant(0);
      await withCase(
        'gateway-opened-later',
        ADULT_WITHOUT_STAY,
        async (run) => {
          await expect.poll(() => versionNamed(run)).toBe(2);
          const view = await run.handle.query(getCase);
          expect(view.version).toBe(2);
          expect(Date.parse(view.timeline[0]!.at)).toBeLessThan(Date.parse(future));
          await run.handle.terminate('test done');
        },
        {
          opened: ({ now, caseRef }) => {
            future = instant(Date.parse(now) + 3_600_000);
            const built = openingOf({ caseRef, referral: ADULT_WITHOUT_STAY }, future);
            return { at: future, digest: built.ok ? built.digest : '' };
          },
        },
      );
    });
  });

  it('continues as new when the history grows, carrying state, fired timers and the event counter', async () => {
    await withCase(
      'continue-as-new',
      ADULT_WITHOUT_STAY,
      async (run) => {
        const firstRunId = (await run.handle.describe()).runId;
        await run.act('recordInterview', { by: 'cmm' }, 'retried-interview-0001');
        await run.act('recordInterview', { by: 'ngo' });
        await run.act('submitForIdentification', { by: 'cmm' });
        await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
        const t0 = await run.now();
        await run.skipTo(instant(t0 + 31 * DAY));
        const after = await run.handle.query(getCase);
        expect(after.stage).toBe('departure-required');
        const latest = await run.env.client.workflow.getHandle(run.caseRef).describe();
        expect(latest.runId).not.toBe(firstRunId);
        // The event counter carried on: ids stay unique and numbered in order across runs.
        const ids = run.events().map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(after.timeline.map((t) => t.seq)).toEqual(after.timeline.map((_, i) => i + 1));
        // A request retried with the same idempotency key after the hand-over has no second effect, and the
        // key still refuses another request.
        const retried = await run.act('recordInterview', { by: 'cmm' }, 'retried-interview-0001');
        expect(retried.timeline).toEqual(after.timeline);
        await expect(
          run.act('recordInterview', { by: 'ngo' }, 'retried-interview-0001'),
        ).rejects.toMatchObject({
          cause: { type: 'IDEMPOTENCY_KEY_REUSED' },
        });
        expect((await run.handle.query(getCase)).timeline).toEqual(after.timeline);
        // Each reminder fired once, although the timers were re-armed in a new run.
        const reminders = ofType(run.events(), 'dk.pathway.deadline-reminder.v1');
        expect(reminders.map((e) => dataOf(e)['daysBefore'])).toEqual([10, 3]);
        await run.handle.terminate('test done');
      },
      { continueAsNewAfterEvents: 25 },
    );
  });

  it('R1: refuses an identification decision by an authority that is not competent, and changes nothing', async () => {
    await withCase(
      'routing',
      {
        by: 'ngo',
        channel: 'first-encounter',
        facts: { hasLegalStay: true, isDefendant: false, age: 'adult' },
      },
      async (run) => {
        await run.act('recordInterview', { by: 'ngo' });
        await run.act('submitForIdentification', { by: 'cmm' });
        const before = await run.handle.query(getCase);
        await expect(
          run.act('decideIdentification', { by: 'dis', outcome: 'identified' }),
        ).rejects.toMatchObject({
          cause: { type: 'WRONG_AUTHORITY' },
        });
        const after = await run.handle.query(getCase);
        expect(after).toEqual(before);
        await run.handle.terminate('test done');
      },
    );
  });
});
