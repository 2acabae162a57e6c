/**
 * Property tests over random walks through the pathway, driven the way a workflow drives it: agency
 * commands at random instants, and timers that fire the scheduled due actions (reminders, expiries,
 * escalations). Each property runs 1000 walks of 5–40 steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAtOrAfter } from '../time.js';
import { explain } from '../deadline.js';
import { currentDeadlines, deadlineResponsibles } from './pathway.schedule.js';
import { possibleRecipientsOf, possibleReminderRecipients, recipientsOf } from './pathway.notifications.js';
import { isTransitionAllowed, STAGES } from '../stages.js';
import { replay } from './pathway.evolve.js';
import { PATHWAY_EVENT_TYPES } from '../model/pathway.events.js';
import { usedDays } from '../rules/periods.rules.js';
import { competentAuthority, matchingRoutes } from '../rules/competent-authority.rules.js';

import type { Actor } from '../agency.js';
import { DENMARK_2013 } from '../policies/denmark-2013.policy.js';
import { DENMARK_PRE_2013 } from '../policies/denmark-pre-2013.policy.js';
import type { Policy } from '../policy/policy.types.js';
import { CASE_REF } from '../testing/scenario.fixtures.js';
import { addDays, instant, isBefore, maxInstant, type Instant } from '../time.js';
import type { PathwayCommand } from '../model/pathway.commands.js';
import type { Decision } from './pathway.decide.js';
import { act, applyEvents, fire, pendingActions, type Acted, type Fired } from './pathway.runtime.js';
import type { PathwayEvent } from '../model/pathway.events.js';
import { scheduleFor } from './pathway.schedule.js';
import { initialState, type PathwayState } from '../model/pathway.state.js';

const by = (...likely: Actor[]): fc.Arbitrary<Actor> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...likely) },
    fc.constantFrom<Actor>('victim', 'police', 'ngo', 'court'),
  );

const days = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) },
  fc.integer({ min: -2, max: 150 }),
);

const commandArb: fc.Arbitrary<PathwayCommand> = fc.oneof(
  by('cmm', 'ngo').map((b) => ({ type: 'recordInterview' as const, by: b })),
  by('cmm', 'ngo').map((b) => ({ type: 'submitForIdentification' as const, by: b })),
  fc.record({
    type: fc.constant('decideIdentification' as const),
    by: by('dis', 'cmm', 'siri'),
    outcome: fc.constantFrom(
      'identified' as const,
      'identified' as const,
      'identified' as const,
      'not-identified' as const,
    ),
  }),
  by('court').map((b) => ({ type: 'courtGrantsStatus' as const, by: b })),
  by('court', 'prosecution').map((b) => ({ type: 'concludeCriminalCase' as const, by: b })),
  fc.record({
    type: fc.constant('changeLegalStatus' as const),
    by: by('dis', 'siri', 'police', 'prosecution'),
    change: fc.oneof(
      fc.boolean().map((v) => ({ kind: 'legal-stay' as const, hasLegalStay: v })),
      fc.boolean().map((v) => ({ kind: 'defendant' as const, isDefendant: v })),
      fc.boolean().map((v) => ({ kind: 'siri-responsible' as const, siriResponsible: v })),
    ),
  }),
  fc.record({
    type: fc.constant('recordAgeAssessment' as const),
    by: by('dis', 'police'),
    outcome: fc.constantFrom('adult' as const, 'child' as const),
  }),
  by('municipality').map((b) => ({ type: 'appointGuardian' as const, by: b })),
  fc.record({
    type: fc.constant('decideBestInterest' as const),
    by: by('municipality', 'cmm'),
    familyTracing: fc.boolean(),
    durableSolution: fc.constantFrom(
      'family-reunion' as const,
      'return-to-other-care' as const,
      'remain-in-denmark' as const,
      'undetermined' as const,
    ),
  }),
  by('iom', 'red-cross').map((b) => ({ type: 'startFamilyTracing' as const, by: b })),
  by('iom', 'cmm').map((b) => ({ type: 'confirmAvrCooperation' as const, by: b })),
  by('iom', 'cmm').map((b) => ({ type: 'draftAvrPlan' as const, by: b })),
  fc.record({
    type: fc.constant('requestExtension' as const),
    by: by('cmm', 'shelter', 'victim'),
    days,
    ground: fc.constantFrom('avr-cooperation' as const, 'special-reasons' as const),
  }),
  fc.oneof(
    fc.record({
      type: fc.constant('decideExtension' as const),
      by: by('dis', 'cmm'),
      outcome: fc.constant('granted' as const),
      days,
    }),
    fc.record({
      type: fc.constant('decideExtension' as const),
      by: by('dis', 'cmm'),
      outcome: fc.constant('refused' as const),
    }),
  ),
  fc.record({
    type: fc.constant('applyForPermit' as const),
    by: by('police', 'prosecution'),
    victimCooperatesWithPolice: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('requestPermitRenewal' as const),
    by: by('police', 'prosecution'),
    victimCooperatesWithPolice: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('decidePermit' as const),
    by: by('dis'),
    outcome: fc.constantFrom('granted' as const, 'granted' as const, 'refused' as const),
  }),
  by('victim', 'cmm').map((b) => ({ type: 'applyForWorkPermit' as const, by: b })),
  by('dis').map((b) => ({ type: 'decideWorkPermit' as const, by: b })),
  by('police', 'prosecution', 'court').map((b) => ({ type: 'endInvestigation' as const, by: b })),
  by('victim', 'dis').map((b) => ({ type: 'applyForAsylum' as const, by: b })),
  fc.oneof(
    fc.record({
      type: fc.constant('decideAsylum' as const),
      by: by('dis'),
      outcome: fc.constant('granted' as const),
      municipalityCode: fc.constantFrom('101', '751', 'x'),
    }),
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('decideAsylum' as const),
        by: by('dis'),
        outcome: fc.constant('refused' as const),
      }),
    },
  ),
  by('iom', 'police').map((b) => ({ type: 'recordDeparture' as const, by: b })),
  by('iom').map((b) => ({ type: 'recordArrival' as const, by: b })),
  by('iom').map((b) => ({ type: 'recordCheckIn' as const, by: b })),
  fc
    .constantFrom('victim-withdrew' as const, 'whereabouts-unknown' as const)
    .chain((reason) => by('cmm').map((b) => ({ type: 'closeCase' as const, by: b, reason }))),
);

/** One step of a walk: an agency command, a typical sequence of commands, or the next timer firing. */
type Macro =
  | 'identify'
  | 'extend'
  | 'extend-refused'
  | 'permit'
  | 'permit-refused'
  | 'renew'
  | 'work'
  | 'avr'
  | 'child'
  | 'check-in';
type WalkStep =
  | { readonly kind: 'command'; readonly waitDays: number; readonly command: PathwayCommand }
  | { readonly kind: 'macro'; readonly waitDays: number; readonly macro: Macro }
  | { readonly kind: 'tick'; readonly timers: number };

const waitDays = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) },
  fc.integer({ min: 0, max: 60 }),
);

const stepArb: fc.Arbitrary<WalkStep> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('command' as const), waitDays, command: commandArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('macro' as const),
      waitDays,
      macro: fc.constantFrom<Macro>(
        'identify',
        'identify',
        'extend',
        'extend-refused',
        'permit',
        'permit-refused',
        'renew',
        'work',
        'avr',
        'child',
        'check-in',
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      timers: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, fc.constant(20)),
    }),
  },
);

const walkArb = fc.record({
  pre2013: fc.boolean(),
  facts: fc.record({
    hasLegalStay: fc.boolean(),
    isDefendant: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, fc.constant(true)),
    siriResponsible: fc.boolean(),
    age: fc.constantFrom('adult' as const, 'adult' as const, 'child' as const, 'unverified' as const),
    unaccompanied: fc.boolean(),
  }),
  referredBy: fc.constantFrom<Actor>('police', 'dis', 'cmm', 'ngo'),
  steps: fc.array(stepArb, { minLength: 5, maxLength: 40, size: 'max' }),
});

type Walk = typeof walkArb extends fc.Arbitrary<infer T> ? T : never;

/** What the observer sees at every step of a walk. */
interface StepObservation {
  readonly before: PathwayState;
  readonly after: PathwayState;
  readonly now: Instant;
  readonly decision: Decision | undefined;
  readonly fromTimer: boolean;
}

/**
 * Runs a walk with the workflow's runtime (`act`, `pendingActions`, `fire`): commands at the walk's instants,
 * and on a tick the clock advances to the earliest scheduled action not yet run, which fires.
 */
function runWalk(
  walk: Walk,
  observe: (step: StepObservation) => void,
): { state: PathwayState; events: PathwayEvent[]; policy: Policy } {
  const policy = walk.pre2013 ? DENMARK_PRE_2013 : DENMARK_2013;
  let now = walk.pre2013 ? instant('2010-03-01T00:00:00Z') : instant('2024-01-01T00:00:00Z');
  let state: PathwayState = initialState();
  const events: PathwayEvent[] = [];
  const fired = new Set<string>();
  const step = (command: PathwayCommand, fromTimer: boolean): void => {
    const before = state;
    const acted = act(state, command, now, policy);
    record(before, acted, fromTimer);
  };
  const record = (before: PathwayState, acted: Acted | Fired, fromTimer: boolean): void => {
    events.push(...acted.applied.map(({ event }) => event));
    state = acted.state;
    // A deadline is decided at its due instant, as the workflow does, whatever the tick's latency; R6: a
    // period end held by a pending request ends no earlier than the decision that released it.
    const released =
      before.stage !== 'not-started' && 'kind' in acted && acted.action.deadlineKind.endsWith('period-end')
        ? before.period?.releasedAt
        : undefined;
    const at =
      'kind' in acted && acted.kind === 'deadline'
        ? released === undefined
          ? acted.action.at
          : maxInstant(acted.action.at, released)
        : now;
    observe({
      before,
      after: state,
      now: at,
      decision: 'decision' in acted ? acted.decision : undefined,
      fromTimer,
    });
  };
  step(
    {
      type: 'referCase',
      by: walk.referredBy,
      caseRef: CASE_REF,
      channel: 'first-encounter',
      facts: walk.facts,
    },
    false,
  );
  const macro = (name: Macro): PathwayCommand[] => {
    if (state.stage === 'not-started') return [];
    switch (name) {
      case 'identify':
        return state.facts.isDefendant
          ? [{ type: 'courtGrantsStatus', by: 'court' }]
          : [
              { type: 'recordInterview', by: 'cmm' },
              { type: 'submitForIdentification', by: 'cmm' },
              {
                type: 'decideIdentification',
                by: competentAuthority(state.facts, policy),
                outcome: 'identified',
              },
            ];
      case 'extend':
        return [
          { type: 'requestExtension', by: 'cmm', days: 20, ground: 'special-reasons' },
          { type: 'decideExtension', by: 'dis', outcome: 'granted', days: 20 },
        ];
      case 'extend-refused':
        return [
          { type: 'requestExtension', by: 'victim', days: 15, ground: 'special-reasons' },
          { type: 'decideExtension', by: 'dis', outcome: 'refused' },
        ];
      case 'permit-refused':
        return [
          { type: 'applyForPermit', by: 'prosecution', victimCooperatesWithPolice: true },
          { type: 'decidePermit', by: 'dis', outcome: 'refused' },
        ];
      case 'work':
        return [
          { type: 'applyForWorkPermit', by: 'victim' },
          { type: 'decideWorkPermit', by: 'dis' },
        ];
      case 'permit':
        return [
          { type: 'applyForPermit', by: 'police', victimCooperatesWithPolice: true },
          { type: 'decidePermit', by: 'dis', outcome: 'granted' },
        ];
      case 'renew':
        return [
          { type: 'requestPermitRenewal', by: 'police', victimCooperatesWithPolice: true },
          { type: 'decidePermit', by: 'dis', outcome: 'granted' },
        ];
      case 'avr':
        return [
          { type: 'confirmAvrCooperation', by: 'iom' },
          { type: 'draftAvrPlan', by: 'iom' },
          { type: 'recordDeparture', by: 'iom' },
          { type: 'recordArrival', by: 'iom' },
        ];
      case 'child':
        return [
          { type: 'appointGuardian', by: 'municipality' },
          {
            type: 'decideBestInterest',
            by: 'municipality',
            familyTracing: true,
            durableSolution: 'family-reunion',
          },
          { type: 'startFamilyTracing', by: 'iom' },
        ];
      case 'check-in':
        return [{ type: 'recordCheckIn', by: 'iom' }];
    }
  };
  for (const s of walk.steps) {
    if (s.kind === 'command') {
      now = addDays(now, s.waitDays);
      step(s.command, false);
      continue;
    }
    if (s.kind === 'macro') {
      now = addDays(now, s.waitDays);
      for (const command of macro(s.macro)) step(command, false);
      continue;
    }
    for (let i = 0; i < s.timers; i++) {
      const next = pendingActions(state, policy, fired)[0];
      if (next === undefined) break;
      fired.add(next.id);
      now = maxInstant(now, next.at);
      record(state, fire(state, next, policy), true);
    }
  }
  return { state, events, policy };
}

function isNotBefore(a: Instant, b: Instant): boolean {
  return !isBefore(a, b);
}

const RUNS = { numRuns: 1000 };
/** A thousand walks take a few seconds; vitest's default 5 s is too tight on a busy machine. */
const TIMEOUT_MS = 120_000;

describe('pathway properties (random walks)', () => {
  it(
    'R4, R5, R6, R12, R14, R17: property — no deadline falls before its start',
    () => {
      fc.assert(
        fc.property(walkArb, (walk) => {
          runWalk(walk, ({ after }) => {
            for (const deadline of currentDeadlines(after, walk.pre2013 ? DENMARK_PRE_2013 : DENMARK_2013)) {
              expect(isNotBefore(deadline.dueAt, deadline.explanation.startsAt)).toBe(true);
              expect(
                isNotBefore(deadline.dueAt, deadline.explanation.baseEndsAt) || deadline.kind === 'check-in',
              ).toBe(true);
            }
          });
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'R4, R5, R6, R12, R14, R17: property — every deadline carries its explanation (rule, start, base, extensions, policy, result)',
    () => {
      let seen = 0;
      fc.assert(
        fc.property(walkArb, (walk) => {
          const policy = walk.pre2013 ? DENMARK_PRE_2013 : DENMARK_2013;
          runWalk(walk, ({ after }) => {
            if (after.stage === 'not-started') return;
            for (const deadline of currentDeadlines(after, policy)) {
              seen++;
              const why = explain(deadline);
              expect(why.deadlineId).toBe(deadline.id);
              expect(why.rule).toBe(deadline.rule);
              expect(why.rules[0]).toBe(deadline.rule);
              expect(why.policyVersion).toBe(after.policyVersion);
              expect(why.dueAt).toBe(deadline.dueAt);
              expect(why.base.amount).toBeGreaterThanOrEqual(0);
              const last = why.extensions.at(-1);
              expect(last === undefined ? why.baseEndsAt : last.endsAt).toBe(
                deadline.kind === 'check-in' ||
                  deadline.kind === 'guardian-appointment' ||
                  deadline.kind === 'monitoring-end'
                  ? why.baseEndsAt
                  : deadline.dueAt,
              );
              expect(why.summary).toContain(deadline.dueAt);
              expect(why.summary).toContain(why.policyVersion);
            }
          });
        }),
        RUNS,
      );
      expect(seen).toBeGreaterThan(1000);
    },
    TIMEOUT_MS,
  );

  it(
    'R1–R19: property — every event reaches only agencies its type declares, and every deadline names a declared responsible (the AsyncAPI channels are generated from these declarations)',
    () => {
      const reached = new Set<string>();
      fc.assert(
        fc.property(walkArb, (walk) => {
          const policy = walk.pre2013 ? DENMARK_PRE_2013 : DENMARK_2013;
          const responsibles = new Set(deadlineResponsibles(policy));
          const reminded = new Set(possibleReminderRecipients(policy));
          runWalk(walk, ({ before, after, decision }) => {
            if (decision?.ok === true) {
              for (const { event, state } of applyEvents(before, decision.events).applied) {
                const declared = possibleRecipientsOf(event.type, policy);
                for (const agency of recipientsOf(event, state, policy)) {
                  expect(declared, `${event.type} → ${agency}`).toContain(agency);
                  reached.add(`${event.type}→${agency}`);
                }
              }
            }
            if (after.stage === 'not-started') return;
            for (const deadline of currentDeadlines(after, policy)) {
              expect(responsibles.has(deadline.responsible), deadline.id).toBe(true);
            }
            for (const action of pendingActions(after, policy, new Set())) {
              if (action.kind === 'reminder')
                for (const to of action.to) expect(reminded.has(to), to).toBe(true);
            }
          });
        }),
        RUNS,
      );
      // The walks reach a good share of what is declared (a declaration nothing reaches is a smell, not a bug).
      expect(reached.size).toBeGreaterThan(40);
    },
    TIMEOUT_MS,
  );

  it(
    'R1: property — the pathway moves only along the declared stage transitions, always with one competent authority',
    () => {
      fc.assert(
        fc.property(walkArb, (walk) => {
          runWalk(walk, ({ before, after, decision }) => {
            if (after.stage !== 'not-started') expect(matchingRoutes(after.facts)).toHaveLength(1);
            if (decision?.ok !== true || before.stage === 'not-started') return;
            for (const event of decision.events) {
              if (event.type === 'StageChanged' || event.type === 'CaseClosed') {
                expect(event.from).toBe(before.stage);
                const to = event.type === 'StageChanged' ? event.to : 'closed';
                expect(isTransitionAllowed(event.from, to)).toBe(true);
              }
            }
          });
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'R5, R12, R14: property — timers interpret the schedule: every due action is accepted when it fires, and the cap holds',
    () => {
      const stagesSeen = new Set<string>();
      const eventsSeen = new Set<string>();
      fc.assert(
        fc.property(walkArb, (walk) => {
          const { state, events } = runWalk(walk, ({ after, decision, fromTimer, now }) => {
            stagesSeen.add(after.stage);
            if (fromTimer && decision !== undefined) expect(decision).toMatchObject({ ok: true });
            if (after.stage !== 'not-started' && after.period !== undefined) {
              expect(usedDays(after.period)).toBeLessThanOrEqual(after.period.capDays);
            }
            if (decision?.ok === true) for (const e of decision.events) expect(e.at).toBe(now);
            if (decision !== undefined && !decision.ok) expect(decision.reason.length).toBeGreaterThan(0);
          });
          // evolve is deterministic: replaying the history rebuilds the same state.
          expect(replay(events)).toEqual(state);
          for (const e of events) eventsSeen.add(e.type);
        }),
        // A fixed seed: the coverage checks below (every stage, every event type) are about the walks
        // generated, and with a random seed a rare event type was sometimes missed (a flaky test, not a bug).
        { ...RUNS, seed: 20261201 },
      );
      // The walks reach every stage.
      expect([...stagesSeen].sort()).toEqual([...STAGES].sort());
      // …and produce every kind of event.
      expect([...eventsSeen].sort()).toEqual([...PATHWAY_EVENT_TYPES].sort());
    },
    TIMEOUT_MS,
  );

  it(
    'R14, R17: property — reminders come before their deadline and escalations at or after it',
    () => {
      fc.assert(
        fc.property(walkArb, (walk) => {
          const policy = walk.pre2013 ? DENMARK_PRE_2013 : DENMARK_2013;
          runWalk(walk, ({ after }) => {
            const { deadlines, actions } = scheduleFor(after, policy);
            for (const action of actions) {
              const deadline = deadlines.find((d) => d.id === action.deadlineId);
              expect(deadline).toBeDefined();
              if (deadline === undefined) continue;
              if (action.kind === 'reminder')
                expect(isBefore(action.at, deadline.dueAt) || action.daysBefore === 0).toBe(true);
              else expect(isAtOrAfter(action.at, deadline.dueAt)).toBe(true);
            }
          });
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );
});
