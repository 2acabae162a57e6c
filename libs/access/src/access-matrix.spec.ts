/**
 * The act rows of the access matrix are the domain's actors. The domain is the source of truth: this test
 * explores it breadth-first — from every kind of intake, under every Danish policy preset, trying every
 * agency act with representative arguments by every actor and letting the schedule's due actions fire — and
 * records, per act, the actors `decide` ever accepted. Each act row must name exactly those agencies, and
 * `VICTIM_ACTS` exactly the acts the victim was accepted for.
 */
import { describe, expect, it } from 'vitest';
import {
  AGENCY_COMMAND_TYPES,
  agencyOfRole,
  type AgencyCommand,
  type AgencyCommandType,
  type Referral,
} from '../../contracts/src/index.js';
import {
  AGENCY_IDS,
  DENMARK_POLICIES,
  DURABLE_SOLUTIONS,
  EXTENSION_GROUNDS,
  MANUAL_CLOSE_REASONS,
  STAGES,
  addDays,
  decide,
  evolve,
  initialState,
  instant,
  maxInstant,
  scheduleFor,
  usedDays,
  type Actor,
  type AgeStatus,
  type AgencyId,
  type CaseState,
  type Instant,
  type IntakeChannel,
  type PathwayCommand,
  type PathwayState,
  type Policy,
  type Stage,
} from '../../domain/src/index.js';
import { CASE_REF } from '../../domain/src/testing/scenario.fixtures.js';
import { ACCESS_MATRIX, VICTIM_ACTS } from './access-matrix.js';

/** Every actor an agency's gateway can put on a command: each agency, and the victim (`onBehalfOfVictim`). */
const ACTORS: readonly Actor[] = [...AGENCY_IDS, 'victim'];

/** Representative arguments: every enum value of each act's fields, and a few lengths of extension. */
const EXTENSION_DAYS = [30, 60, 90] as const;
const BOOLEANS = [true, false] as const;
type Variants = {
  readonly [T in AgencyCommandType]: (by: Actor) => readonly Extract<AgencyCommand, { type: T }>[];
};
const VARIANTS: Variants = {
  recordInterview: (by) => [{ type: 'recordInterview', by }],
  submitForIdentification: (by) => [{ type: 'submitForIdentification', by }],
  decideIdentification: (by) =>
    (['identified', 'not-identified'] as const).map((outcome) => ({
      type: 'decideIdentification',
      by,
      outcome,
    })),
  courtGrantsStatus: (by) => [{ type: 'courtGrantsStatus', by }],
  concludeCriminalCase: (by) => [{ type: 'concludeCriminalCase', by }],
  changeLegalStatus: (by) =>
    BOOLEANS.flatMap((value) => [
      { type: 'changeLegalStatus', by, change: { kind: 'legal-stay', hasLegalStay: value } },
      { type: 'changeLegalStatus', by, change: { kind: 'defendant', isDefendant: value } },
      { type: 'changeLegalStatus', by, change: { kind: 'siri-responsible', siriResponsible: value } },
    ]),
  recordAgeAssessment: (by) =>
    (['adult', 'child'] as const).map((outcome) => ({ type: 'recordAgeAssessment', by, outcome })),
  appointGuardian: (by) => [{ type: 'appointGuardian', by }],
  decideBestInterest: (by) =>
    BOOLEANS.flatMap((familyTracing) =>
      DURABLE_SOLUTIONS.map((durableSolution) => ({
        type: 'decideBestInterest' as const,
        by,
        familyTracing,
        durableSolution,
      })),
    ),
  startFamilyTracing: (by) => [{ type: 'startFamilyTracing', by }],
  confirmAvrCooperation: (by) => [{ type: 'confirmAvrCooperation', by }],
  draftAvrPlan: (by) => [{ type: 'draftAvrPlan', by }],
  requestExtension: (by) =>
    EXTENSION_GROUNDS.flatMap((ground) =>
      EXTENSION_DAYS.map((days) => ({ type: 'requestExtension' as const, by, days, ground })),
    ),
  decideExtension: (by) => [
    ...EXTENSION_DAYS.map((days) => ({
      type: 'decideExtension' as const,
      by,
      outcome: 'granted' as const,
      days,
    })),
    { type: 'decideExtension', by, outcome: 'refused' },
  ],
  applyForPermit: (by) =>
    BOOLEANS.map((victimCooperatesWithPolice) => ({
      type: 'applyForPermit',
      by,
      victimCooperatesWithPolice,
    })),
  requestPermitRenewal: (by) =>
    BOOLEANS.map((victimCooperatesWithPolice) => ({
      type: 'requestPermitRenewal',
      by,
      victimCooperatesWithPolice,
    })),
  decidePermit: (by) =>
    (['granted', 'refused'] as const).map((outcome) => ({ type: 'decidePermit', by, outcome })),
  applyForWorkPermit: (by) => [{ type: 'applyForWorkPermit', by }],
  decideWorkPermit: (by) => [{ type: 'decideWorkPermit', by }],
  endInvestigation: (by) => [{ type: 'endInvestigation', by }],
  applyForAsylum: (by) => [{ type: 'applyForAsylum', by }],
  decideAsylum: (by) => [
    { type: 'decideAsylum', by, outcome: 'granted', municipalityCode: '101' },
    { type: 'decideAsylum', by, outcome: 'refused' },
  ],
  recordDeparture: (by) => [{ type: 'recordDeparture', by }],
  recordArrival: (by) => [{ type: 'recordArrival', by }],
  recordCheckIn: (by) => [{ type: 'recordCheckIn', by }],
  closeCase: (by) => MANUAL_CLOSE_REASONS.map((reason) => ({ type: 'closeCase', by, reason })),
};

/** Every (act, actor, arguments) tried at each state, built once. */
const TRIES: readonly AgencyCommand[] = AGENCY_COMMAND_TYPES.flatMap((type) =>
  ACTORS.flatMap((by): readonly AgencyCommand[] => VARIANTS[type](by)),
);

/** Intakes: every combination of the status facts, through each channel, by each referrer it allows. */
const AGES: readonly AgeStatus[] = ['adult', 'child', 'unverified'];
const CHANNELS: readonly IntakeChannel[] = ['first-encounter', 'asylum-screening'];
function referrals(): Referral[] {
  const result: Referral[] = [];
  for (const age of AGES)
    for (const hasLegalStay of BOOLEANS)
      for (const isDefendant of BOOLEANS)
        for (const siriResponsible of BOOLEANS)
          for (const isAsylumSeeker of BOOLEANS)
            for (const unaccompanied of BOOLEANS)
              for (const channel of CHANNELS)
                for (const by of ACTORS) {
                  const facts = {
                    age,
                    hasLegalStay,
                    isDefendant,
                    siriResponsible,
                    isAsylumSeeker,
                    unaccompanied,
                  };
                  result.push({ by, channel, facts });
                }
  return result;
}

/** Where each preset's cases start (after its effective date). */
const START: { readonly [version: string]: Instant } = {
  'dk-2007.1': instant('2010-03-01T00:00:00.000Z'),
  'dk-2013.1': instant('2024-01-01T00:00:00.000Z'),
};

/** Bounds: a path of at most MAX_DEPTH steps after the referral, at most MAX_STATES distinct states. */
const MAX_DEPTH = 8;
const MAX_STATES = 200_000;

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

interface Node {
  readonly policy: Policy;
  readonly state: CaseState;
  readonly now: Instant;
  readonly depth: number;
}

/**
 * What identifies a state for the search ("stage + flags"): the stage and every fact or flag a rule reads
 * — never an instant or who recorded what. Status facts that only route the identification (R1) are
 * dropped once it is decided.
 */
function keyOf(policy: Policy, state: CaseState): string {
  const { facts, period, avr, permit, child } = state;
  const decided = state.identification !== undefined;
  return [
    policy.version,
    state.stage,
    state.intake.channel,
    facts.age,
    facts.hasLegalStay,
    decided || facts.isDefendant,
    decided || facts.siriResponsible,
    decided || sorted(new Set(state.interviews.map((i) => i.by))).join('+'),
    period === undefined
      ? '-'
      : `${period.kind}:${usedDays(period)}:${period.pending !== undefined}:${period.endedAt !== undefined}`,
    avr.cooperationConfirmedAt !== undefined,
    avr.planDraftedAt !== undefined,
    avr.departedAt !== undefined,
    state.investigationEndedAt !== undefined,
    `${Math.min(permit.terms.length, 2)}:${permit.pending?.renewal}:${permit.endedAt !== undefined}`,
    state.workPermit === undefined ? '-' : state.workPermit.grantedAt !== undefined,
    state.stage === 'asylum' ? state.asylum?.resumeStage : '-',
    child.guardianAppointedAt !== undefined,
    `${child.bestInterest?.familyTracing}:${child.bestInterest?.durableSolution}`,
    child.familyTracingStartedAt !== undefined,
    state.monitoring?.checkIns.length,
    sorted(state.escalated).join('+'),
  ].join('|');
}

interface Exploration {
  readonly accepted: ReadonlyMap<AgencyCommandType, ReadonlySet<Actor>>;
  /** Who opened a case, by channel (the `openCase` row). */
  readonly referrers: ReadonlyMap<IntakeChannel, ReadonlySet<Actor>>;
  readonly stages: ReadonlySet<Stage>;
  readonly states: number;
  readonly decisions: number;
  readonly dueActionsFired: number;
  readonly maxDepthReached: number;
}

function explore(): Exploration {
  const accepted = new Map<AgencyCommandType, Set<Actor>>(AGENCY_COMMAND_TYPES.map((t) => [t, new Set()]));
  const referrers = new Map<IntakeChannel, Set<Actor>>(CHANNELS.map((c) => [c, new Set()]));
  const stages = new Set<Stage>();
  const seen = new Set<string>();
  const queue: Node[] = [];
  let decisions = 0;
  let dueActionsFired = 0;
  let maxDepthReached = 0;

  const visit = (policy: Policy, from: PathwayState, command: PathwayCommand, at: Instant, depth: number) => {
    decisions++;
    const decision = decide(command, from, at, policy);
    if (!decision.ok) return false;
    if (decision.events.length === 0) return true;
    const state = decision.events.reduce(evolve, from);
    if (state.stage === 'not-started') return true;
    stages.add(state.stage);
    if (state.stage === 'closed' || depth > MAX_DEPTH || seen.size >= MAX_STATES) return true;
    const key = keyOf(policy, state);
    if (seen.has(key)) return true;
    seen.add(key);
    queue.push({ policy, state, now: at, depth });
    return true;
  };

  for (const policy of DENMARK_POLICIES) {
    const start = START[policy.version];
    if (start === undefined) throw new Error(`no start instant for policy ${policy.version}`);
    for (const referral of referrals()) {
      const command: PathwayCommand = { type: 'referCase', caseRef: CASE_REF, ...referral };
      if (visit(policy, initialState(), command, start, 0)) referrers.get(referral.channel)?.add(referral.by);
    }
  }

  for (let head = 0; head < queue.length; head++) {
    const { policy, state, now, depth } = queue[head]!;
    maxDepthReached = Math.max(maxDepthReached, depth);
    // An agency act a day later, by every actor with every representative argument.
    const next = addDays(now, 1);
    for (const command of TRIES) {
      if (visit(policy, state, command, next, depth + 1)) accepted.get(command.type)?.add(command.by);
    }
    // Or the workflow's next timer fires: the earliest due action (an expiry or an escalation), at its time.
    const due = scheduleFor(state, policy).actions.find((action) => action.kind !== 'reminder');
    if (due !== undefined) {
      dueActionsFired++;
      visit(policy, state, due.command, maxInstant(now, due.at), depth + 1);
    }
  }
  return {
    accepted,
    referrers,
    stages,
    states: seen.size,
    decisions,
    dueActionsFired,
    maxDepthReached,
  };
}

const started = performance.now();
const exploration = explore();
const elapsedMs = Math.round(performance.now() - started);

describe('access matrix: the act rows are the domain’s actors', () => {
  it('explores the domain far enough to mean something (every stage, every act accepted)', () => {
    console.info(
      `access-matrix exploration: ${exploration.states} states, ${exploration.decisions} decisions, ` +
        `${exploration.dueActionsFired} due actions, depth ${exploration.maxDepthReached}, ${elapsedMs} ms`,
    );
    expect(sorted(exploration.stages)).toEqual(sorted(STAGES));
    const neverAccepted = AGENCY_COMMAND_TYPES.filter((t) => exploration.accepted.get(t)?.size === 0);
    expect(neverAccepted, 'acts the search never saw accepted').toEqual([]);
  });

  it('each act row names exactly the agencies the domain accepts for the act', () => {
    const mismatches: string[] = [];
    for (const act of AGENCY_COMMAND_TYPES) {
      const domain = new Set(
        [...(exploration.accepted.get(act) ?? [])].filter((a): a is AgencyId => a !== 'victim'),
      );
      const roles = ACCESS_MATRIX[act];
      const matrix = new Set(roles.map(agencyOfRole));
      const missing = sorted([...domain].filter((a) => !matrix.has(a)));
      const extra = roles.filter((r) => {
        const agency = agencyOfRole(r);
        return agency === undefined || !domain.has(agency);
      });
      if (missing.length > 0 || extra.length > 0) {
        mismatches.push(
          `${act}: matrix [${roles.join(', ')}], domain accepts [${sorted(domain).join(', ')}]` +
            (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
            (extra.length > 0 ? `; extra ${sorted(extra).join(', ')}` : ''),
        );
      }
    }
    expect(mismatches, `\n${mismatches.join('\n')}`).toEqual([]);
  });

  it('VICTIM_ACTS are exactly the acts the domain accepts with the victim as actor', () => {
    const domain = AGENCY_COMMAND_TYPES.filter((t) => exploration.accepted.get(t)?.has('victim'));
    const listed: readonly AgencyCommandType[] = VICTIM_ACTS;
    const missing = domain.filter((t) => !listed.includes(t));
    const extra = listed.filter((t) => !domain.includes(t));
    const mismatches = [
      ...missing.map((t) => `${t}: the domain accepts the victim, VICTIM_ACTS does not list it`),
      ...extra.map((t) => `${t}: listed in VICTIM_ACTS, the domain never accepts the victim`),
    ];
    expect(mismatches, `\n${mismatches.join('\n')}`).toEqual([]);
  });

  it('the openCase row names exactly the agencies the domain lets refer a case', () => {
    const domain = new Set([...exploration.referrers.values()].flatMap((s) => [...s]));
    expect(domain.has('victim')).toBe(false);
    expect(sorted(ACCESS_MATRIX.openCase.map((r) => agencyOfRole(r) ?? r))).toEqual(sorted(domain));
  });
});
