import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AUDIT_TOPIC,
  type ActArgs,
  type AgencyCommandType,
  type CaseView,
  type CloudEvent,
  type Referral,
} from '../libs/contracts/src/index.js';
import {
  COOPERATION_CONDITION_KINDS,
  instant,
  supportOffersFor,
  type CaseState,
  type Instant,
} from '../libs/domain/src/index.js';
import { DAY, dataOf, ofType, withCase, type PathwayRun } from '../test/support/pathway-harness.js';
import { CALENDAR, POLICY, plusDays, plusMonths, remindedAt } from '../test/support/policy-time.js';
import { getCase } from './victim-pathway.workflow.js';

/**
 * The pathway's main branches, one per rule, on the real time-skipping test server with the literal policy
 * durations of `dk-2013.2`, the policy new cases get (30-day periods, reminders 10/3 days before a period end, 3 days before an
 * extension decision, 30/7 days before a permit expires, a guardian within 3 days, monthly check-ins).
 *
 * Every test reads the published CloudEvents as a tape: each step names exactly the events it expects, in
 * order (reminders as `reminder <deadline> -<n>d`, stage moves as `stage-changed <from> -> <to>`), and the
 * test ends by checking that nothing else was published. Times are simulated instants: an act is stamped
 * with the workflow's clock when it is applied; what a timer causes is stamped with the deadline's instant.
 */

const WAIT = { timeout: 20_000, interval: 20 };

const ADULT_WITHOUT_STAY: Referral = {
  by: 'police',
  channel: 'first-encounter',
  facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
};

const at = (ms: number): Instant => instant(ms);
const addMonths = plusMonths;

/** `dk.pathway.stage-changed.v1` → `stage-changed`, with the detail that tells one such event from another. */
function label(event: CloudEvent): string {
  const type = event.type.replace(/^dk\.pathway\./, '').replace(/\.v1$/, '');
  const data = dataOf(event);
  const text = (key: string): string => String(data[key]);
  switch (type) {
    case 'deadline-reminder':
      return `reminder ${text('deadlineId')} -${text('daysBefore')}d`;
    case 'stage-changed':
      return `stage-changed ${text('from')} -> ${text('to')}`;
    case 'case-closed':
      return `case-closed ${text('reason')}`;
    case 'deadline-missed':
      return `deadline-missed ${text('deadlineId')}`;
    default:
      return type;
  }
}

/** The agency topics an event was delivered to (every event also goes to the audit stream). */
function topicsOf(run: PathwayRun, event: CloudEvent | undefined): string[] {
  const topics = run.publisher.deliveries.filter((d) => d.event.id === event?.id).map((d) => d.topic);
  expect(topics).toContain(AUDIT_TOPIC);
  return topics.filter((t) => t !== AUDIT_TOPIC).sort();
}

const topics = (...agencies: string[]): string[] => agencies.map((a) => `pathway.${a}.v1`).sort();

/** Reads the published events in order: every event must be expected by exactly one `next` call. */
class Tape {
  private seen = 0;

  constructor(private readonly run: PathwayRun) {}

  /** Waits for the next `expected.length` events (publishing is asynchronous) and checks them. */
  async next(expected: readonly string[]): Promise<CloudEvent[]> {
    const upTo = this.seen + expected.length;
    await vi.waitFor(() => {
      if (this.run.events().length < upTo) {
        throw new Error(`waiting for ${expected.join(', ')}; have ${this.labels().join(', ')}`);
      }
    }, WAIT);
    const batch = this.run.events().slice(this.seen, upTo);
    expect(batch.map(label)).toEqual(expected);
    this.seen = upTo;
    return batch;
  }

  /** Events published since the last `next` (none are expected). */
  labels(): string[] {
    return this.run.events().slice(this.seen).map(label);
  }

  nothingElse(): void {
    expect(this.labels()).toEqual([]);
  }
}

/** The instant the workflow applied the last act (its events carry it as `at` and as CloudEvent `time`). */
const appliedAt = (view: CaseView): Instant => instant(view.timeline.at(-1)!.at);

/** Every event of one act carries the act's instant. */
function expectStamped(batch: readonly CloudEvent[], when: Instant): void {
  expect(batch.map((e) => e.time)).toEqual(batch.map(() => when));
}

/** The act is refused with `code` and changes nothing: same case view, nothing published. */
async function expectRefused<T extends AgencyCommandType>(
  run: PathwayRun,
  type: T,
  args: ActArgs<T>,
  code: string,
): Promise<void> {
  const before = await run.handle.query(getCase);
  const published = run.events().length;
  await expect(run.act(type, args)).rejects.toMatchObject({ cause: { type: code } });
  expect(await run.handle.query(getCase)).toEqual(before);
  expect(run.events()).toHaveLength(published);
}

/** Interview (R2), submission and the identification decision by `authority` (R1): the period starts. */
async function identify(run: PathwayRun, tape: Tape, authority: 'dis' | 'cmm'): Promise<CaseView> {
  await run.act('recordInterview', { by: 'ngo' });
  await tape.next(['interview-recorded', 'stage-changed referred -> interviewing']);
  await run.act('submitForIdentification', { by: 'cmm' });
  const [requested] = await tape.next([
    'identification-requested',
    'stage-changed interviewing -> awaiting-identification',
  ]);
  expect(dataOf(requested)['authority']).toBe(authority);
  const view = await run.act('decideIdentification', { by: authority, outcome: 'identified' });
  const period = view.stage === 'restitution-period' ? 'restitution-period' : 'reflection-period';
  const batch = await tape.next([
    'identification-decided',
    'period-started',
    `stage-changed awaiting-identification -> ${period}`,
  ]);
  expectStamped(batch, appliedAt(view));
  return view;
}

/** The case state behind a view (every view here is of an opened case). */
function caseOf(view: CaseView): CaseState {
  if (view.state.stage === 'not-started') throw new Error('the case is not open');
  return view.state;
}

/** The period's start and end as the workflow recorded them (30 days apart under dk-2013.1). */
function periodOf(view: CaseView): { start: Instant; end: Instant } {
  const period = caseOf(view).period;
  if (period === undefined) throw new Error('no period');
  const { startsAt, endsAt } = period;
  expect(endsAt).toBe(CALENDAR.addDays(startsAt, 30));
  return { start: startsAt, end: endsAt };
}

describe('victimPathwayWorkflow: one path per rule on the time-skipping test server', () => {
  let wallStarted = 0;

  beforeEach(() => {
    wallStarted = performance.now();
  });
  afterEach((context) => {
    const seconds = ((performance.now() - wallStarted) / 1000).toFixed(1);
    process.stdout.write(`${context.task.name.split(':')[0] ?? ''}: ${seconds} s of wall time\n`);
  });

  it('R7: a victim with legal stay is identified by CMM and gets a 30-day restitution period, reminded 10 and 3 days before its end; when it ends the case closes (period-ended-with-legal-stay)', async () => {
    const referral: Referral = {
      by: 'ngo',
      channel: 'first-encounter',
      facts: { hasLegalStay: true, isDefendant: false, age: 'adult' },
    };
    await withCase('r7-restitution', referral, async (run) => {
      const tape = new Tape(run);
      const [referred] = await tape.next(['case-referred']);
      expect(dataOf(referred)['competentAuthority']).toBe('cmm');
      expect(topicsOf(run, referred)).toEqual(topics('cmm'));

      await run.act('recordInterview', { by: 'ngo' });
      await tape.next(['interview-recorded', 'stage-changed referred -> interviewing']);
      await run.act('submitForIdentification', { by: 'cmm' });
      await tape.next(['identification-requested', 'stage-changed interviewing -> awaiting-identification']);
      // R1: with legal stay CMM identifies, not DIS.
      await expectRefused(
        run,
        'decideIdentification',
        { by: 'dis', outcome: 'identified' },
        'WRONG_AUTHORITY',
      );
      const identified = await run.act('decideIdentification', { by: 'cmm', outcome: 'identified' });
      const decided = await tape.next([
        'identification-decided',
        'period-started',
        'stage-changed awaiting-identification -> restitution-period',
      ]);
      const start = appliedAt(identified);
      expectStamped(decided, start);
      const end = plusDays(start, 30);
      expect(dataOf(decided[1])).toMatchObject({
        kind: 'restitution',
        startsAt: start,
        baseDays: 30,
        capDays: 120,
        endsAt: end,
      });
      expect(dataOf(decided[2])['rule']).toBe('R7');
      expect(topicsOf(run, decided[0])).toEqual(topics('cmm', 'ngo'));
      expect(topicsOf(run, decided[1])).toEqual(topics('cmm')); // R7: CMM also decides extensions here
      expect(identified.deadlines).toMatchObject([
        {
          id: 'restitution-period-end',
          kind: 'restitution-period-end',
          rule: 'R7',
          dueAt: end,
          responsible: 'cmm',
          onDue: 'expire',
        },
      ]);

      await run.skipTo(plusDays(end, 1));
      const ending = await tape.next([
        'reminder restitution-period-end -10d',
        'reminder restitution-period-end -3d',
        'period-ended',
        'case-closed period-ended-with-legal-stay',
      ]);
      expect(ending.map((e) => e.time)).toEqual([remindedAt(end, 10), remindedAt(end, 3), end, end]);
      for (const [i, daysBefore] of [10, 3].entries()) {
        expect(dataOf(ending[i])).toMatchObject({
          deadlineId: 'restitution-period-end',
          deadlineKind: 'restitution-period-end',
          rule: 'R7',
          dueAt: end,
          daysBefore,
          responsible: 'cmm',
        });
        expect(String(dataOf(ending[i])['summary'])).toContain(
          `due ${CALENDAR.longDate(end)} (Europe/Copenhagen, ${end})`,
        );
        expect(topicsOf(run, ending[i])).toEqual(topics('cmm'));
      }
      expect(dataOf(ending[2])).toMatchObject({ kind: 'restitution', cause: 'elapsed' });
      expect(dataOf(ending[3])).toMatchObject({ from: 'restitution-period', rule: 'R7' });
      const final = await run.handle.result();
      expect(final.stage).toBe('closed');
      expect(final.closed).toEqual({ at: end, reason: 'period-ended-with-legal-stay' });
      tape.nothingElse();
    });
  });

  it('R18: asylum applied during the reflection period holds its clock; granted → the allocated municipality (101) is told and the case closes (asylum-granted); refused → back to the reflection period, or on to departure when its clock ran out meanwhile', async () => {
    // Granted.
    await withCase('r18-granted', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      const { start, end } = periodOf(await identify(run, tape, 'dis'));

      await run.skipTo(plusDays(start, 10));
      const applied = await run.act('applyForAsylum', { by: 'victim' });
      const asylum = await tape.next(['asylum-applied', 'stage-changed reflection-period -> asylum']);
      expectStamped(asylum, appliedAt(applied));
      expect(dataOf(asylum[0])['resumeStage']).toBe('reflection-period');
      expect(dataOf(asylum[1])['rule']).toBe('R18');
      expect(topicsOf(run, asylum[0])).toEqual(topics('cmm', 'dis'));
      expect(applied.deadlines).toEqual([]); // the person may stay while the claim is pending
      await expectRefused(run, 'applyForAsylum', { by: 'cmm' }, 'APPLICATION_PENDING');

      // The period's end passes without reminders, expiry or departure.
      await run.skipTo(plusDays(end, 5));
      tape.nothingElse();
      expect((await run.handle.query(getCase)).stage).toBe('asylum');

      await expectRefused(
        run,
        'decideAsylum',
        { by: 'cmm', outcome: 'granted', municipalityCode: '101' },
        'WRONG_AUTHORITY',
      );
      await expectRefused(
        run,
        'decideAsylum',
        { by: 'dis', outcome: 'granted', municipalityCode: 'Copenhagen' },
        'INVALID_COMMAND',
      );
      const granted = await run.act('decideAsylum', {
        by: 'dis',
        outcome: 'granted',
        municipalityCode: '101',
      });
      const closing = await tape.next(['asylum-granted', 'case-closed asylum-granted']);
      expectStamped(closing, appliedAt(granted));
      expect(dataOf(closing[0])['municipalityCode']).toBe('101');
      expect(topicsOf(run, closing[0])).toEqual(topics('cmm', 'municipality'));
      expect(dataOf(closing[1])).toMatchObject({ from: 'asylum', rule: 'R18' });
      const final = await run.handle.result();
      expect(final.closed).toEqual({ at: appliedAt(granted), reason: 'asylum-granted' });
      tape.nothingElse();
    });

    // Refused twice: once while the period still runs, once after its end passed.
    await withCase('r18-refused', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      const { start, end } = periodOf(await identify(run, tape, 'dis'));

      await run.skipTo(plusDays(start, 5));
      await run.act('applyForAsylum', { by: 'victim' });
      await tape.next(['asylum-applied', 'stage-changed reflection-period -> asylum']);
      await run.skipTo(plusDays(start, 8));
      const refused = await run.act('decideAsylum', { by: 'dis', outcome: 'refused' });
      const back = await tape.next(['asylum-refused', 'stage-changed asylum -> reflection-period']);
      expectStamped(back, appliedAt(refused));
      expect(dataOf(back[1])['rule']).toBe('R18');
      expect(topicsOf(run, back[0])).toEqual(topics('cmm'));
      expect(refused.stage).toBe('reflection-period');
      expect(refused.deadlines.map((d) => [d.id, d.dueAt])).toEqual([['reflection-period-end', end]]);

      await run.skipTo(plusDays(start, 12));
      await run.act('applyForAsylum', { by: 'cmm' });
      await tape.next(['asylum-applied', 'stage-changed reflection-period -> asylum']);
      await run.skipTo(plusDays(end, 10));
      tape.nothingElse(); // no reminders: the period's clock does not run during the claim

      const late = await run.act('decideAsylum', { by: 'dis', outcome: 'refused' });
      const onward = await tape.next([
        'asylum-refused',
        'period-ended',
        'stage-changed asylum -> departure-required',
      ]);
      // The period is recorded as ended at the refusal, not at its original end (the person could stay).
      expectStamped(onward, appliedAt(late));
      expect(dataOf(onward[1])).toMatchObject({ kind: 'reflection', cause: 'elapsed' });
      expect(dataOf(onward[2])['rule']).toBe('R10');
      expect(topicsOf(run, onward[2])).toEqual(topics('cmm', 'dis', 'police'));
      // R10 (dk-2013.2): the departure is followed up: due 30 days after the stage began, police act.
      expect(late.deadlines).toMatchObject([
        {
          id: 'departure-follow-up',
          rule: 'R10',
          responsible: 'police',
          dueAt: plusDays(appliedAt(late), 30),
        },
      ]);
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R1 R10: a defendant in a criminal case is routed to the court, which grants victim status; no clock runs during the proceedings; when the criminal case concludes the reflection period follows', async () => {
    const defendant: Referral = {
      by: 'police',
      channel: 'first-encounter',
      facts: { hasLegalStay: false, isDefendant: true, age: 'adult' },
    };
    await withCase('r1-court', defendant, async (run) => {
      const tape = new Tape(run);
      const t0 = await run.now();
      const [referred] = await tape.next(['case-referred']);
      expect(dataOf(referred)['competentAuthority']).toBe('court');
      expect(topicsOf(run, referred)).toEqual(topics('cmm', 'court'));

      await run.act('recordInterview', { by: 'ngo' });
      await tape.next(['interview-recorded', 'stage-changed referred -> interviewing']);
      await run.act('submitForIdentification', { by: 'ngo' });
      const [requested] = await tape.next([
        'identification-requested',
        'stage-changed interviewing -> awaiting-identification',
      ]);
      expect(dataOf(requested)['authority']).toBe('court');
      expect(topicsOf(run, requested)).toEqual(topics('court'));
      // A defendant is not identified by DIS, nor by a plain identification decision of the court.
      for (const by of ['dis', 'court'] as const) {
        await expectRefused(run, 'decideIdentification', { by, outcome: 'identified' }, 'WRONG_AUTHORITY');
      }
      await expectRefused(run, 'courtGrantsStatus', { by: 'dis' }, 'WRONG_AUTHORITY');

      const granted = await run.act('courtGrantsStatus', { by: 'court' });
      const grant = await tape.next([
        'victim-status-granted-by-court',
        'stage-changed awaiting-identification -> court-granted',
      ]);
      expectStamped(grant, appliedAt(granted));
      expect(dataOf(grant[1])['rule']).toBe('R1');
      expect(topicsOf(run, grant[0])).toEqual(topics('cmm', 'police'));
      expect(granted.deadlines).toEqual([]);

      // R10: assisted during the proceedings, however long they take: nothing is due, nothing is published.
      await run.skipTo(at(t0 + 90 * DAY));
      tape.nothingElse();
      expect((await run.handle.query(getCase)).stage).toBe('court-granted');

      await expectRefused(run, 'concludeCriminalCase', { by: 'police' }, 'ACTOR_NOT_PERMITTED');
      const concluded = await run.act('concludeCriminalCase', { by: 'prosecution' });
      const offer = await tape.next([
        'criminal-case-concluded',
        'period-started',
        'stage-changed court-granted -> reflection-period',
      ]);
      const start = appliedAt(concluded);
      const end = plusDays(start, 30);
      expectStamped(offer, start);
      expect(dataOf(offer[1])).toMatchObject({ kind: 'reflection', startsAt: start, endsAt: end });
      expect(dataOf(offer[2])['rule']).toBe('R4');
      expect(topicsOf(run, offer[1])).toEqual(topics('cmm', 'dis'));
      expect(caseOf(concluded).facts.isDefendant).toBe(false);

      await run.skipTo(plusDays(end, 1));
      const ending = await tape.next([
        'reminder reflection-period-end -10d',
        'reminder reflection-period-end -3d',
        'period-ended',
        'stage-changed reflection-period -> departure-required',
      ]);
      expect(ending.map((e) => e.time)).toEqual([remindedAt(end, 10), remindedAt(end, 3), end, end]);
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R1: legal stay lost before the decision re-routes identification from CMM to DIS; exactly one authority may then decide, and the old one is refused', async () => {
    const withStay: Referral = {
      by: 'ngo',
      channel: 'first-encounter',
      facts: { hasLegalStay: true, isDefendant: false, age: 'adult' },
    };
    await withCase('r1-reroute', withStay, async (run) => {
      const tape = new Tape(run);
      const [referred] = await tape.next(['case-referred']);
      expect(dataOf(referred)['competentAuthority']).toBe('cmm');
      await run.act('recordInterview', { by: 'ngo' });
      await tape.next(['interview-recorded', 'stage-changed referred -> interviewing']);
      await run.act('submitForIdentification', { by: 'cmm' });
      const [requested] = await tape.next([
        'identification-requested',
        'stage-changed interviewing -> awaiting-identification',
      ]);
      expect(dataOf(requested)['authority']).toBe('cmm');

      // Legal stay is an immigration matter: the police cannot record its loss.
      await expectRefused(
        run,
        'changeLegalStatus',
        { by: 'police', change: { kind: 'legal-stay', hasLegalStay: false } },
        'ACTOR_NOT_PERMITTED',
      );
      const changed = await run.act('changeLegalStatus', {
        by: 'dis',
        change: { kind: 'legal-stay', hasLegalStay: false },
      });
      const rerouted = await tape.next(['legal-status-changed', 'identification-rerouted']);
      expectStamped(rerouted, appliedAt(changed));
      expect(dataOf(rerouted[1])).toMatchObject({ from: 'cmm', to: 'dis' });
      expect(topicsOf(run, rerouted[1])).toEqual(topics('cmm', 'dis'));
      expect(changed.stage).toBe('awaiting-identification');

      // Exactly one competent authority: every other candidate is refused and nothing changes.
      for (const by of ['cmm', 'siri', 'court', 'ngo'] as const) {
        await expectRefused(run, 'decideIdentification', { by, outcome: 'identified' }, 'WRONG_AUTHORITY');
      }
      const decided = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      const batch = await tape.next([
        'identification-decided',
        'period-started',
        'stage-changed awaiting-identification -> reflection-period',
      ]);
      expectStamped(batch, appliedAt(decided));
      expect(dataOf(batch[0])['by']).toBe('dis');
      expect(dataOf(batch[1])['kind']).toBe('reflection'); // no legal stay now: R4, not R7
      expect(topicsOf(run, batch[0])).toEqual(topics('cmm', 'ngo'));
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R17: a child (age unverified) — guardian due within 3 days (reminded, then escalated to CMM), after the appointment every event also reaches the guardian, best interest before family tracing, and a missed check-in escalates at once to CMM and the guardian', async () => {
    const child: Referral = {
      by: 'police',
      channel: 'first-encounter',
      facts: { hasLegalStay: false, isDefendant: false, age: 'unverified', unaccompanied: true },
    };
    await withCase('r17-child', child, async (run) => {
      const tape = new Tape(run);
      const [referred] = await tape.next(['case-referred']);
      const opened = instant(referred!.time);
      const guardianDue = plusDays(opened, 3);
      const referredView = await run.handle.query(getCase);
      expect(referredView.deadlines).toMatchObject([
        {
          id: 'guardian-appointment',
          rule: 'R17',
          dueAt: guardianDue,
          responsible: 'municipality',
          onDue: 'escalate',
        },
      ]);
      // Without a guardian nothing is decided for the child.
      await expectRefused(
        run,
        'decideBestInterest',
        { by: 'municipality', familyTracing: true, durableSolution: 'family-reunion' },
        'GUARDIAN_REQUIRED',
      );

      await run.skipTo(plusDays(opened, 4));
      const missed = await tape.next([
        'reminder guardian-appointment -1d',
        'deadline-missed guardian-appointment',
      ]);
      expect(missed.map((e) => e.time)).toEqual([remindedAt(guardianDue, 1, opened), guardianDue]);
      expect(dataOf(missed[0])).toMatchObject({ responsible: 'municipality', rule: 'R17', daysBefore: 1 });
      expect(topicsOf(run, missed[0])).toEqual(topics('municipality'));
      expect(dataOf(missed[1])).toMatchObject({
        kind: 'guardian-appointment',
        rule: 'R17',
        responsible: 'municipality',
        escalateTo: ['cmm'],
      });
      // Escalated to CMM; the municipality that missed it is told too.
      expect(topicsOf(run, missed[1])).toEqual(topics('cmm', 'municipality'));
      expect((await run.handle.query(getCase)).deadlines).toEqual([]); // escalated once, not again

      await expectRefused(run, 'appointGuardian', { by: 'cmm' }, 'ACTOR_NOT_PERMITTED');
      await run.act('appointGuardian', { by: 'municipality' });
      const [appointed] = await tape.next(['guardian-appointed']);
      expect(topicsOf(run, appointed)).toEqual(topics('cmm', 'guardian'));

      // Family tracing only after a best-interest decision in its favour.
      await expectRefused(run, 'startFamilyTracing', { by: 'iom' }, 'NOT_IN_BEST_INTEREST');
      await run.act('decideBestInterest', {
        by: 'municipality',
        familyTracing: true,
        durableSolution: 'family-reunion',
      });
      await tape.next(['best-interest-decided']);
      await run.act('startFamilyTracing', { by: 'iom' });
      await tape.next(['family-tracing-started']);

      // Identified by DIS; AVR chosen, planned and carried out early (R19) with the guardian informed.
      await run.act('recordInterview', { by: 'cmm' });
      await tape.next(['interview-recorded', 'stage-changed referred -> interviewing']);
      await run.act('submitForIdentification', { by: 'cmm' });
      await tape.next(['identification-requested', 'stage-changed interviewing -> awaiting-identification']);
      await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      await tape.next([
        'identification-decided',
        'period-started',
        'stage-changed awaiting-identification -> reflection-period',
      ]);
      await run.act('confirmAvrCooperation', { by: 'iom' });
      await tape.next(['avr-cooperation-confirmed']);
      await run.act('draftAvrPlan', { by: 'iom' });
      await tape.next(['avr-plan-drafted']);
      await run.act('recordDeparture', { by: 'iom' });
      await tape.next([
        'period-ended',
        'departure-recorded',
        'stage-changed reflection-period -> avr-return',
      ]);
      const arrived = await run.act('recordArrival', { by: 'iom' });
      await tape.next(['arrival-recorded', 'stage-changed avr-return -> monitoring']);

      // R17: from the appointment on, every event that goes to an agency also goes to the guardian.
      const afterAppointment = run.events().slice(run.events().indexOf(appointed!));
      for (const event of afterAppointment) {
        const reached = topicsOf(run, event);
        if (reached.length > 0) expect(reached, label(event)).toContain('pathway.guardian.v1');
      }
      expect(topicsOf(run, ofType(afterAppointment, 'dk.pathway.period-started.v1')[0])).toEqual(
        topics('cmm', 'dis', 'guardian'),
      );
      expect(topicsOf(run, ofType(afterAppointment, 'dk.pathway.departure-recorded.v1')[0])).toEqual(
        topics('cmm', 'dis', 'guardian', 'iom'),
      );

      // R14/R17: the first check-in is missed; a child's escalates at its due instant (no 3 days' grace).
      const firstCheckIn = addMonths(caseOf(arrived).monitoring!.arrivedAt, 1);
      await run.skipTo(plusDays(firstCheckIn, 1));
      const checkIn = await tape.next(['reminder check-in:1 -3d', 'deadline-missed check-in:1']);
      expect(checkIn.map((e) => e.time)).toEqual([remindedAt(firstCheckIn, 3), firstCheckIn]);
      expect(dataOf(checkIn[1])).toMatchObject({
        kind: 'check-in',
        rule: 'R17',
        responsible: 'iom',
        escalateTo: ['cmm', 'guardian'],
      });
      expect(topicsOf(run, checkIn[1])).toEqual(topics('cmm', 'guardian', 'iom'));
      // R17: the guardian is reminded too, not only told of the escalation.
      expect(topicsOf(run, checkIn[0])).toEqual(topics('guardian', 'iom'));
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R6: an extension refused only after the period’s end ends the period at the refusal; the end’s reminders, whose moment passed while it was held, are not sent late', async () => {
    await withCase('r6-late-refusal', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      const { start, end } = periodOf(await identify(run, tape, 'dis'));
      // Given a request filed on day 5, so that the end is held for DIS's decision
      await run.skipTo(plusDays(start, 5));
      await run.act('requestExtension', { by: 'cmm', days: 30, ground: 'special-reasons' });
      await tape.next(['extension-requested']);
      await run.skipTo(plusDays(end, 2));
      await tape.next(['reminder extension-decision:1 -3d', 'deadline-missed extension-decision:1']);
      // When DIS refuses two days after the original end
      const refused = await run.act('decideExtension', { by: 'dis', outcome: 'refused' });
      // Then the period ends at the refusal (R6: the end was held until then) — and the reminders of the
      // original end (10 and 3 days before it) are not sent now, stamped with instants long past
      const after = await tape.next([
        'extension-refused',
        'period-ended',
        'stage-changed reflection-period -> departure-required',
      ]);
      expectStamped(after, appliedAt(refused));
      tape.nothingElse();
      expect(
        ofType(run.events(), 'dk.pathway.deadline-reminder.v1').map((e) => dataOf(e)['deadlineId']),
      ).toEqual(['extension-decision:1']);
      await run.handle.terminate('test done');
    });
  });

  it('R6 R5: DIS refusing an extension leaves the end unchanged; a pending request holds the period end until DIS decides and the missing decision escalates, and again every week while it is missing; requests after the end are refused (DEADLINE_PASSED while held, NOT_IN_STAGE once the period is over)', async () => {
    await withCase('r6-extension', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      const { start, end } = periodOf(await identify(run, tape, 'dis'));

      // R6: the victim applies, helped by CMM or the shelter — not via the police.
      await run.skipTo(plusDays(start, 1));
      await expectRefused(
        run,
        'requestExtension',
        { by: 'police', days: 30, ground: 'special-reasons' },
        'ACTOR_NOT_PERMITTED',
      );

      // First request, refused by DIS: the period still ends when it would have.
      await run.skipTo(plusDays(start, 5));
      const requested = await run.act('requestExtension', {
        by: 'cmm',
        days: 30,
        ground: 'special-reasons',
      });
      const [request1] = await tape.next(['extension-requested']);
      expect(dataOf(request1)).toMatchObject({ requestNo: 1, days: 30, ground: 'special-reasons' });
      expect(topicsOf(run, request1)).toEqual(topics('dis'));
      expect(requested.deadlines).toMatchObject([
        {
          id: 'extension-decision:1',
          kind: 'extension-decision',
          rule: 'R6',
          dueAt: end,
          responsible: 'dis',
        },
      ]);
      await expectRefused(run, 'decideExtension', { by: 'cmm', outcome: 'refused' }, 'WRONG_AUTHORITY');
      await run.skipTo(plusDays(start, 6));
      const refused = await run.act('decideExtension', { by: 'dis', outcome: 'refused' });
      const [refusal] = await tape.next(['extension-refused']);
      expect(topicsOf(run, refusal)).toEqual(topics('cmm'));
      expect(refused.deadlines.map((d) => [d.id, d.dueAt])).toEqual([['reflection-period-end', end]]);

      // Second request: DIS does not decide in time. The period end is held; DIS is reminded 3 days
      // before and the missing decision escalates to CMM at the end, and again every week it is missing.
      await run.skipTo(plusDays(start, 10));
      await run.act('requestExtension', { by: 'victim', days: 20, ground: 'special-reasons' });
      await tape.next(['extension-requested']);
      await run.skipTo(plusDays(end, 2));
      const held = await tape.next([
        'reminder extension-decision:2 -3d',
        'deadline-missed extension-decision:2',
      ]);
      expect(held.map((e) => e.time)).toEqual([remindedAt(end, 3), end]);
      expect(dataOf(held[0])).toMatchObject({
        deadlineKind: 'extension-decision',
        responsible: 'dis',
        dueAt: end,
      });
      expect(topicsOf(run, held[0])).toEqual(topics('dis'));
      expect(dataOf(held[1])).toMatchObject({
        kind: 'extension-decision',
        rule: 'R6',
        responsible: 'dis',
        escalateTo: ['cmm'],
      });
      expect(topicsOf(run, held[1])).toEqual(topics('cmm', 'dis'));
      const waiting = await run.handle.query(getCase);
      expect(waiting.stage).toBe('reflection-period'); // no period-ended: no departure while DIS decides
      expect(waiting.deadlines.map((d) => d.id)).toEqual(['extension-decision:2']); // still held
      // A new request after the (held) end is too late.
      await expectRefused(
        run,
        'requestExtension',
        { by: 'cmm', days: 10, ground: 'special-reasons' },
        'DEADLINE_PASSED',
      );
      await run.skipTo(plusDays(end, 5));
      tape.nothingElse(); // not again before a week has passed
      await run.skipTo(plusDays(end, 8));
      const [again] = await tape.next(['deadline-missed extension-decision:2']);
      expect(again!.time).toBe(plusDays(end, 7));
      expect(dataOf(again)).toMatchObject({ repeat: 2, escalateTo: ['cmm'] });

      // DIS finally grants: the period runs on from its previous end, with fresh reminders.
      const granted = await run.act('decideExtension', { by: 'dis', outcome: 'granted', days: 20 });
      const newEnd = plusDays(end, 20);
      const [grant] = await tape.next(['extension-granted']);
      expect(grant!.time).toBe(appliedAt(granted));
      expect(dataOf(grant)).toMatchObject({ requestNo: 2, days: 20, endsAt: newEnd, totalDays: 50 });
      const periodEnd = granted.deadlines.find((d) => d.id === 'reflection-period-end')!;
      expect(periodEnd.dueAt).toBe(newEnd);
      expect(periodEnd.explanation.extensions.map((e) => e.endsAt)).toEqual([newEnd]);
      expect(periodEnd.explanation.limit).toMatchObject({ capDays: 120, latestEndsAt: plusDays(start, 120) });

      await run.skipTo(plusDays(newEnd, 1));
      const ending = await tape.next([
        'reminder reflection-period-end -10d',
        'reminder reflection-period-end -3d',
        'period-ended',
        'stage-changed reflection-period -> departure-required',
      ]);
      expect(ending.map((e) => e.time)).toEqual([
        remindedAt(newEnd, 10),
        remindedAt(newEnd, 3),
        newEnd,
        newEnd,
      ]);
      // Once the period is over the request is refused by stage.
      await expectRefused(
        run,
        'requestExtension',
        { by: 'victim', days: 10, ground: 'special-reasons' },
        'NOT_IN_STAGE',
      );
      expect(ofType(run.events(), 'dk.pathway.deadline-missed.v1')).toHaveLength(2);
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R13: a permit holder applies for a work permit and DIS grants it, with no further requirements', async () => {
    await withCase('r13-work-permit', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      await identify(run, tape, 'dis');
      // Only a holder of the §9c(5) permit may apply.
      await expectRefused(run, 'applyForWorkPermit', { by: 'victim' }, 'NO_ACTIVE_PERMIT');

      await run.act('applyForPermit', { by: 'police', victimCooperatesWithPolice: true });
      await tape.next(['permit-applied']);
      const permitted = await run.act('decidePermit', { by: 'dis', outcome: 'granted' });
      await tape.next(['period-ended', 'permit-granted', 'stage-changed reflection-period -> permit']);
      expect(permitted.stage).toBe('permit');

      await expectRefused(run, 'applyForWorkPermit', { by: 'police' }, 'ACTOR_NOT_PERMITTED');
      const applied = await run.act('applyForWorkPermit', { by: 'victim' });
      const [application] = await tape.next(['work-permit-applied']);
      expect(application!.time).toBe(appliedAt(applied));
      expect(dataOf(application)['by']).toBe('victim');
      expect(topicsOf(run, application)).toEqual(topics('dis'));
      await expectRefused(run, 'applyForWorkPermit', { by: 'cmm' }, 'APPLICATION_PENDING');
      await expectRefused(run, 'decideWorkPermit', { by: 'cmm' }, 'WRONG_AUTHORITY');

      // The decision has no outcome to choose: DIS grants.
      const granted = await run.act('decideWorkPermit', { by: 'dis' });
      const [grant] = await tape.next(['work-permit-granted']);
      expect(grant!.time).toBe(appliedAt(granted));
      expect(topicsOf(run, grant)).toEqual(topics('cmm'));
      expect(caseOf(granted).workPermit).toEqual({
        appliedAt: appliedAt(applied),
        grantedAt: appliedAt(granted),
      });
      expect(granted.stage).toBe('permit');
      await expectRefused(run, 'decideWorkPermit', { by: 'dis' }, 'NO_PENDING_APPLICATION');
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R11: the victim cannot apply for the §9c(5) permit; police apply and must confirm the victim cooperates with them; DIS decides', async () => {
    await withCase('r11-permit', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      await identify(run, tape, 'dis');

      await expectRefused(
        run,
        'applyForPermit',
        { by: 'victim', victimCooperatesWithPolice: true },
        'VICTIM_CANNOT_APPLY',
      );
      await expectRefused(
        run,
        'applyForPermit',
        { by: 'cmm', victimCooperatesWithPolice: true },
        'ACTOR_NOT_PERMITTED',
      );
      await expectRefused(
        run,
        'applyForPermit',
        { by: 'police', victimCooperatesWithPolice: false },
        'POLICE_COOPERATION_REQUIRED',
      );
      const applied = await run.act('applyForPermit', { by: 'police', victimCooperatesWithPolice: true });
      const [application] = await tape.next(['permit-applied']);
      expect(dataOf(application)).toMatchObject({ by: 'police', renewal: false });
      expect(topicsOf(run, application)).toEqual(topics('dis'));
      expect(applied.stage).toBe('reflection-period'); // the period runs on while DIS decides
      await expectRefused(
        run,
        'applyForPermit',
        { by: 'prosecution', victimCooperatesWithPolice: true },
        'APPLICATION_PENDING',
      );
      await expectRefused(run, 'decidePermit', { by: 'police', outcome: 'granted' }, 'WRONG_AUTHORITY');

      const granted = await run.act('decidePermit', { by: 'dis', outcome: 'granted' });
      const grant = await tape.next([
        'period-ended',
        'permit-granted',
        'stage-changed reflection-period -> permit',
      ]);
      const now = appliedAt(granted);
      expectStamped(grant, now);
      expect(dataOf(grant[0])['cause']).toBe('superseded-by-permit');
      expect(dataOf(grant[1])).toMatchObject({
        renewal: false,
        termNo: 1,
        startsAt: now,
        endsAt: addMonths(now, 6),
      });
      expect(dataOf(grant[2])['rule']).toBe('R11');
      expect(topicsOf(run, grant[1])).toEqual(topics('cmm', 'police', 'prosecution'));
      // R11/R12: renewals too are applied for by police or prosecution, never by the victim.
      await expectRefused(
        run,
        'requestPermitRenewal',
        { by: 'victim', victimCooperatesWithPolice: true },
        'VICTIM_CANNOT_APPLY',
      );
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R12 R16: a permit that expires without a renewal application — police reminded 30 and 7 days before; at expiry the person must leave (R16), or returns under AVR when that was chosen (R15)', async () => {
    const grantPermit = async (run: PathwayRun, tape: Tape): Promise<Instant> => {
      await tape.next(['case-referred']);
      await identify(run, tape, 'dis');
      await run.act('applyForPermit', { by: 'police', victimCooperatesWithPolice: true });
      await tape.next(['permit-applied']);
      const granted = await run.act('decidePermit', { by: 'dis', outcome: 'granted' });
      await tape.next(['period-ended', 'permit-granted', 'stage-changed reflection-period -> permit']);
      const expiry = addMonths(appliedAt(granted), 6);
      expect(granted.deadlines).toMatchObject([
        { id: 'permit-expiry:1', kind: 'permit-expiry', rule: 'R12', dueAt: expiry, responsible: 'police' },
      ]);
      return expiry;
    };
    const expectReminders = (run: PathwayRun, reminders: readonly CloudEvent[], expiry: Instant): void => {
      expect(reminders.map((e) => e.time)).toEqual([remindedAt(expiry, 30), remindedAt(expiry, 7)]);
      for (const reminder of reminders) {
        expect(dataOf(reminder)).toMatchObject({
          deadlineKind: 'permit-expiry',
          rule: 'R12',
          dueAt: expiry,
          responsible: 'police',
        });
        expect(topicsOf(run, reminder)).toEqual(topics('police'));
      }
    };

    // No AVR: departure required, recorded by the police, the case closes.
    await withCase('r12-expiry', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      const expiry = await grantPermit(run, tape);
      await run.skipTo(plusDays(expiry, 1));
      const expired = await tape.next([
        'reminder permit-expiry:1 -30d',
        'reminder permit-expiry:1 -7d',
        'permit-ended',
        'stage-changed permit -> departure-required',
      ]);
      expectReminders(run, expired.slice(0, 2), expiry);
      expect(expired.slice(2).map((e) => e.time)).toEqual([expiry, expiry]);
      expect(dataOf(expired[2])['cause']).toBe('expired');
      expect(topicsOf(run, expired[2])).toEqual(topics('cmm', 'dis', 'police', 'prosecution'));
      expect(dataOf(expired[3])['rule']).toBe('R16');
      expect(topicsOf(run, expired[3])).toEqual(topics('cmm', 'dis', 'police'));
      // Too late to renew: the permit stage is over.
      await expectRefused(
        run,
        'requestPermitRenewal',
        { by: 'police', victimCooperatesWithPolice: true },
        'NOT_IN_STAGE',
      );
      const departed = await run.act('recordDeparture', { by: 'police' });
      const closing = await tape.next(['departure-recorded', 'case-closed departed']);
      expectStamped(closing, appliedAt(departed));
      expect(dataOf(closing[0])['assisted']).toBe(false);
      expect((await run.handle.result()).closed?.reason).toBe('departed');
      tape.nothingElse();
    });

    // AVR chosen during the permit: at expiry the planned return follows (R15).
    await withCase('r12-expiry-avr', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      const expiry = await grantPermit(run, tape);
      await run.act('confirmAvrCooperation', { by: 'iom' });
      await tape.next(['avr-cooperation-confirmed']);
      await run.skipTo(plusDays(expiry, 1));
      const expired = await tape.next([
        'reminder permit-expiry:1 -30d',
        'reminder permit-expiry:1 -7d',
        'permit-ended',
        'stage-changed permit -> avr-return',
      ]);
      expectReminders(run, expired.slice(0, 2), expiry);
      expect(expired.slice(2).map((e) => e.time)).toEqual([expiry, expiry]);
      expect(dataOf(expired[3])['rule']).toBe('R15');
      expect(topicsOf(run, expired[3])).toEqual(topics('cmm', 'iom'));
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });

  it('R9 R10: support is never conditional on cooperation — a victim who does not cooperate with the police is refused only the permit, and still gets the full reflection period, an extension, the reminders and the support offers', async () => {
    await withCase('r9-no-cooperation', ADULT_WITHOUT_STAY, async (run) => {
      const tape = new Tape(run);
      await tape.next(['case-referred']);
      const identified = await identify(run, tape, 'dis');
      const { start, end } = periodOf(identified);

      // R8/R9: the support offered in the period does not depend on cooperation (the support context has
      // no cooperation facts, and no offer of the policy carries a cooperation condition).
      const offers = supportOffersFor({ stage: identified.stage, age: 'adult' }, POLICY);
      expect(offers.map((o) => o.kind)).toEqual([
        'accommodation',
        'medical-care',
        'legal-counselling',
        'psychological-support',
        'assisted-voluntary-return',
      ]);
      const cooperationKinds: readonly string[] = COOPERATION_CONDITION_KINDS;
      for (const offer of POLICY.supportOffers) {
        expect(offer.conditions.filter((c) => cooperationKinds.includes(c.kind))).toEqual([]);
      }

      // R11: the permit, and only the permit, requires cooperation with the police.
      await run.skipTo(plusDays(start, 2));
      await expectRefused(
        run,
        'applyForPermit',
        { by: 'police', victimCooperatesWithPolice: false },
        'POLICE_COOPERATION_REQUIRED',
      );
      // The extension needs no cooperation either (special reasons, requested by the victim).
      await run.act('requestExtension', { by: 'victim', days: 10, ground: 'special-reasons' });
      await tape.next(['extension-requested']);
      await run.act('decideExtension', { by: 'dis', outcome: 'granted', days: 10 });
      const newEnd = plusDays(end, 10);
      const [grant] = await tape.next(['extension-granted']);
      expect(dataOf(grant)).toMatchObject({ endsAt: newEnd, totalDays: 40 });

      // R10: assisted throughout the period; afterwards, having no other basis, the victim must leave.
      await run.skipTo(plusDays(newEnd, 1));
      const ending = await tape.next([
        'reminder reflection-period-end -10d',
        'reminder reflection-period-end -3d',
        'period-ended',
        'stage-changed reflection-period -> departure-required',
      ]);
      expect(ending.map((e) => e.time)).toEqual([
        remindedAt(newEnd, 10),
        remindedAt(newEnd, 3),
        newEnd,
        newEnd,
      ]);
      expect(ending.slice(0, 2).map((e) => topicsOf(run, e))).toEqual([topics('cmm'), topics('cmm')]);
      // No event or deadline speaks of police cooperation as a condition.
      expect(JSON.stringify(run.events().map((e) => e.data))).not.toMatch(/cooperat/i);
      // R19: AVR stays on offer without cooperation with the police.
      const avr = await run.act('confirmAvrCooperation', { by: 'cmm' });
      await tape.next(['avr-cooperation-confirmed', 'stage-changed departure-required -> avr-return']);
      expect(avr.stage).toBe('avr-return');
      tape.nothingElse();
      await run.handle.terminate('test done');
    });
  });
});
