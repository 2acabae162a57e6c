import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../apps/worker/src/activities/publish-agency-event.activity.js';
import type {
  ActArgs,
  AgencyCommandType,
  CaseView,
  CloudEvent,
  Referral,
} from '../libs/contracts/src/index.js';
import { addMonths, caseRefFromRandom, instant, type Instant } from '../libs/domain/src/index.js';
import { ensureSearchAttributes } from '../libs/temporal/src/index.js';
import { provisionForTests } from '../test/support/servers.js';
import { RecordingPublisher } from '../test/support/recording-publisher.js';
import { workflowBundle } from '../test/support/workflow-bundle.js';
import { actUpdate, getCase, victimPathwayWorkflow } from './victim-pathway.workflow.js';

const DAY = 86_400_000;
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
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const { temporalTestServer } = await provisionForTests();
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServer } },
    });
    await ensureSearchAttributes(env.client.connection, env.namespace ?? 'default');
  });
  afterAll(async () => {
    await env?.teardown();
  });

  interface Run {
    readonly handle: WorkflowHandle<typeof victimPathwayWorkflow>;
    readonly caseRef: string;
    readonly publisher: RecordingPublisher;
    act<T extends AgencyCommandType>(type: T, args: ActArgs<T>): Promise<CaseView>;
    /** Skips the test server's clock to `at` (timers due meanwhile fire). */
    skipTo(at: Instant): Promise<void>;
    events(): CloudEvent[];
  }

  async function withCase(
    name: string,
    referral: Referral,
    body: (run: Run) => Promise<void>,
  ): Promise<RecordingPublisher> {
    const publisher = new RecordingPublisher();
    const taskQueue = `ts-${name}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ publisher }),
    });
    const caseRef = caseRefFromRandom(randomBytes(12));
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(victimPathwayWorkflow, {
        workflowId: caseRef,
        taskQueue,
        args: [{ caseRef, referral }],
      });
      await body({
        handle,
        caseRef,
        publisher,
        act: (type, args) => handle.executeUpdate(actUpdate(type), { args: [args] }),
        skipTo: async (at) => {
          // In steps: one long sleep across several timers whose activities run meanwhile was seen to stall
          // the test server's clock; a week at a time does not.
          for (;;) {
            const wait = Date.parse(at) - (await env.currentTimeMs());
            if (wait <= 0) return;
            await env.sleep(Math.min(wait, 7 * DAY));
          }
        },
        events: () => publisher.events(),
      });
    });
    return publisher;
  }

  const ofType = (events: CloudEvent[], type: string): CloudEvent[] => events.filter((e) => e.type === type);
  const data = (event: CloudEvent | undefined): Record<string, unknown> => event?.data ?? {};

  it('R1 R4 R5 R11 R12 R14 R16 R19: the full pathway — reflection extended to the cap on AVR cooperation, two police renewals, investigation ended, return, six months of monitoring with one missed check-in', async () => {
    const wallStarted = performance.now();
    await withCase('full', ADULT_WITHOUT_STAY, async (run) => {
      const t0 = instant(await env.currentTimeMs());
      // R2: interview (evidence) then the decision of the competent authority (R1: no legal stay → DIS).
      await run.act('recordInterview', { by: 'cmm' });
      await run.act('submitForIdentification', { by: 'cmm' });
      const identified = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      expect(identified.stage).toBe('reflection-period');
      const reflectionEnd = identified.deadlines.find((d) => d.kind === 'reflection-period-end');
      expect(Date.parse(reflectionEnd!.dueAt) - Date.parse(reflectionEnd!.explanation.startsAt)).toBe(
        30 * DAY,
      ); // R4

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
      expect(Date.parse(periodEnd.dueAt) - Date.parse(periodEnd.explanation.startsAt)).toBe(120 * DAY); // R5: the cap, exactly
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
        expect(next).toBe(addMonths(instant(expiry), 6)); // the next term chains from the previous end
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
      const month = (n: number, plusDays = 0): Instant =>
        instant(Date.parse(addMonths(arrival, n)) + plusDays * DAY);
      await run.skipTo(month(0, 20));
      await run.act('recordCheckIn', { by: 'iom' });
      await run.skipTo(month(1, 20));
      await run.act('recordCheckIn', { by: 'iom' });
      // (no check-in in the third month)
      await run.skipTo(month(3, 10));
      await run.act('recordCheckIn', { by: 'iom' }); // slot 3, late
      await run.act('recordCheckIn', { by: 'iom' }); // slot 4
      await run.skipTo(month(4, 10));
      await run.act('recordCheckIn', { by: 'iom' });
      await run.skipTo(month(5, 10));
      await run.act('recordCheckIn', { by: 'iom' });
      const final = await run.handle.result();
      expect(final.stage).toBe('closed');

      const events = run.events();
      // Reminders before the reflection period's original end went to DIS's responsibility holder…
      const reminders = ofType(events, 'dk.pathway.deadline-reminder.v1');
      const permitReminders = reminders.filter((e) => data(e)['deadlineKind'] === 'permit-expiry');
      // R12: 30 and 7 days before each of the three expiries that were reached by time (terms 1 and 2), and
      // the 30-day one of term 3 before the investigation ended → police.
      for (const expiry of [term1End, term2End]) {
        const at30 = permitReminders.find((e) => data(e)['dueAt'] === expiry && data(e)['daysBefore'] === 30);
        expect(at30?.time).toBe(instant(Date.parse(expiry) - 30 * DAY));
        expect(data(at30)['responsible']).toBe('police');
      }
      // R14/R17: the missed third check-in escalates to CMM after the policy's 3 days of grace.
      const missed = ofType(events, 'dk.pathway.deadline-missed.v1');
      expect(missed).toHaveLength(1);
      expect(missed[0]!.time).toBe(month(3, 3));
      expect(data(missed[0])['escalateTo']).toEqual(['cmm']);
      // R14/R16: reintegration monitoring ends six months after arrival; the case closes.
      const completed = ofType(events, 'dk.pathway.reintegration-completed.v1');
      expect(completed.map((e) => e.time)).toEqual([month(6)]);
      expect(ofType(events, 'dk.pathway.case-closed.v1')).toHaveLength(1);
      // Every event is about this case, with a deterministic id; none is published twice.
      expect(events.every((e) => e.subject === run.caseRef && e.id.startsWith(`${run.caseRef}/`))).toBe(true);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

      if (process.env['RECORD_HISTORIES'] === '1') {
        await mkdir(HISTORIES, { recursive: true });
        await writeFile(
          `${HISTORIES}victim-pathway.full-pathway.json`,
          historyToJSON(await run.handle.fetchHistory()),
        );
      }
    });
    process.stdout.write(
      `full pathway (≈2 years simulated) ran in ${((performance.now() - wallStarted) / 1000).toFixed(1)} s of wall time\n`,
    );
  });

  it('R4 R10: a reflection period that ends without another basis requires departure, with reminders 10 and 3 days before', async () => {
    await withCase('reflection', ADULT_WITHOUT_STAY, async (run) => {
      const t0 = Date.parse(instant(await env.currentTimeMs()));
      await run.act('recordInterview', { by: 'ngo' });
      await run.act('submitForIdentification', { by: 'cmm' });
      const identified = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      const end = identified.deadlines.find((d) => d.kind === 'reflection-period-end')!;
      expect(end.explanation).toMatchObject({ rule: 'R4', policyVersion: 'dk-2013.1' });
      await run.skipTo(instant(t0 + 31 * DAY));
      const state = await run.handle.query(getCase);
      expect(state.stage).toBe('departure-required');
      const events = run.events();
      const reminders = ofType(events, 'dk.pathway.deadline-reminder.v1').filter(
        (e) => data(e)['deadlineKind'] === 'reflection-period-end',
      );
      expect(reminders.map((e) => data(e)['daysBefore'])).toEqual([10, 3]);
      expect(reminders.map((e) => e.time)).toEqual([
        instant(Date.parse(end.dueAt) - 10 * DAY),
        instant(Date.parse(end.dueAt) - 3 * DAY),
      ]);
      const ended = ofType(events, 'dk.pathway.period-ended.v1');
      expect(ended.map((e) => e.time)).toEqual([end.dueAt]);
      await run.handle.terminate('test done');
    });
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
