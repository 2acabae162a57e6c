/**
 * The act rows of the access matrix are the domain's actors. The domain is the source of truth: this test
 * explores it breadth-first — from every kind of intake, under every Danish policy preset, trying every
 * agency act with representative arguments by every actor at every state reached, and letting the
 * schedule's due actions fire (periods end, permits expire, check-ins are missed) — and records, per act,
 * the actors `decide` ever accepted. Each act row must name exactly those agencies, and `VICTIM_ACTS`
 * exactly the acts the victim was accepted for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AGENCY_COMMAND_TYPES,
  agencyOfRole,
  type AgencyCommand,
  type AgencyCommandType,
  type Referral,
} from '../../contracts/src/index.js';
import {
  AGENCY_IDS,
  DENMARK_2013_DATA,
  DENMARK_AGENCIES,
  DENMARK_POLICIES,
  DURABLE_SOLUTIONS,
  EXTENSION_GROUNDS,
  MANUAL_CLOSE_REASONS,
  STAGES,
  addDays,
  competentAuthority,
  initialState,
  instant,
  isTreatedAsChild,
  loadPolicy,
  maxInstant,
  act,
  pendingActions,
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
import { ACCESS_MATRIX, ROLE_SCOPE, VICTIM_ACTS, accessMatrixFor } from './access-matrix.js';
import { ROLES } from '../../contracts/src/index.js';

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

/**
 * Intakes: every combination of the status facts, through each channel, by every actor (`decide` admits
 * only the referrers the policy allows).
 */
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
  'dk-2013.2': instant('2027-01-04T00:00:00.000Z'),
  'dk-2013.1-drc': instant('2024-01-01T00:00:00.000Z'),
};

/**
 * Bounds. A step that moves the stage (or closes the case) is free; a path may take at most MAX_SIDE_STEPS
 * steps that leave the stage as it was (an interview, a guardian, AVR cooperation, a pending application
 * …). Every act needs at most two such steps before it can be accepted (a work permit: the permit
 * application, then the work-permit application); the coverage test below fails if that stops being enough.
 * MAX_DEPTH and MAX_STATES are safety nets that the search does not reach today.
 */
const MAX_SIDE_STEPS = 2;
const MAX_DEPTH = 20;
const MAX_STATES = 20_000;

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

interface Node {
  readonly policy: Policy;
  readonly state: CaseState;
  readonly now: Instant;
  readonly depth: number;
  /** Steps on the path here that did not move the stage. */
  readonly sideSteps: number;
}

/**
 * What identifies a state for the search ("stage + flags"): the stage; who is competent to identify (R1)
 * while that is undecided, else whether there is legal stay; whether the person is treated as a child; and
 * the flags the rules gate the next steps on. Never an instant, who recorded what, or how often. A pending
 * asylum claim (R18) is a detour: it is identified by the stage it would resume.
 */
function keyOf(policy: Policy, state: CaseState): string {
  const { facts, period, avr, permit, child } = state;
  const decided = state.identification !== undefined;
  const common = [
    policy.version,
    state.stage,
    decided ? `legal-stay:${facts.hasLegalStay}` : competentAuthority(facts, policy),
    isTreatedAsChild(facts.age) ? 'child' : 'adult',
  ];
  if (state.stage === 'asylum') return [...common, state.asylum?.resumeStage].join('|');
  const solution = child.bestInterest?.durableSolution;
  const flags = {
    interviewed: !decided && state.interviews.length > 0,
    assessed:
      !decided &&
      state.intake.channel === 'asylum-screening' &&
      state.interviews.some((i) => i.by === policy.identification.asylumAssessor),
    extensionPending: period?.pending !== undefined,
    avrConfirmed: avr.cooperationConfirmedAt !== undefined,
    avrPlanned: avr.planDraftedAt !== undefined,
    departed: avr.departedAt !== undefined,
    investigationEnded: state.investigationEndedAt !== undefined,
    permitTerms: Math.min(permit.terms.length, 2),
    permitPending: permit.pending?.renewal,
    permitEnded: permit.endedAt !== undefined,
    workPermit: state.workPermit === undefined ? 'none' : state.workPermit.grantedAt === undefined,
    guardian: child.guardianAppointedAt !== undefined,
    familyTracing: child.bestInterest?.familyTracing,
    returnIsDurable:
      solution === undefined
        ? undefined
        : solution === 'family-reunion' || solution === 'return-to-other-care',
    checkIns: state.monitoring?.checkIns.length,
  };
  return [...common, state.intake.channel, JSON.stringify(flags)].join('|');
}

interface Exploration {
  readonly accepted: ReadonlyMap<AgencyCommandType, ReadonlySet<Actor>>;
  /** Who opened a case, by channel (the `openCase` row). */
  readonly referrers: ReadonlyMap<IntakeChannel, ReadonlySet<Actor>>;
  /** Stages of every state reached, expanded or not (closed states are not expanded). */
  readonly stages: ReadonlySet<Stage>;
  /** Distinct states (keys) reached; states expanded (a key reached with fewer side steps is redone). */
  readonly states: number;
  readonly expanded: number;
  readonly decisions: number;
  readonly dueActionsFired: number;
  readonly maxDepth: number;
  readonly elapsedMs: number;
}

function explore(policies: readonly Policy[]): Exploration {
  const startedAt = performance.now();
  const accepted = new Map<AgencyCommandType, Set<Actor>>(AGENCY_COMMAND_TYPES.map((t) => [t, new Set()]));
  const referrers = new Map<IntakeChannel, Set<Actor>>(CHANNELS.map((c) => [c, new Set()]));
  const stages = new Set<Stage>();
  /** Each state's key, with the fewest side steps it was reached with. */
  const seen = new Map<string, number>();
  const queue: Node[] = [];
  let decisions = 0;
  let dueActionsFired = 0;
  let maxDepth = 0;

  /** Decides `command`; when accepted, queues the state it leads to (within the bounds, if new). */
  const visit = (
    policy: Policy,
    from: PathwayState,
    command: PathwayCommand,
    at: Instant,
    path: { readonly depth: number; readonly sideSteps: number },
  ): boolean => {
    decisions++;
    const { decision, state } = act(from, command, at, policy);
    if (!decision.ok) return false;
    if (decision.events.length === 0 || state.stage === 'not-started') return true;
    stages.add(state.stage);
    const depth = path.depth + 1;
    const sideSteps = path.sideSteps + (state.stage === from.stage ? 1 : 0);
    if (state.stage === 'closed' || sideSteps > MAX_SIDE_STEPS || depth > MAX_DEPTH) return true;
    const key = keyOf(policy, state);
    const best = seen.get(key);
    if ((best !== undefined && best <= sideSteps) || (best === undefined && seen.size >= MAX_STATES))
      return true;
    seen.set(key, sideSteps);
    queue.push({ policy, state, now: at, depth, sideSteps });
    return true;
  };

  for (const policy of policies) {
    const start = START[policy.version];
    if (start === undefined) throw new Error(`no start instant for policy ${policy.version}`);
    for (const referral of referrals()) {
      const command: PathwayCommand = { type: 'referCase', caseRef: CASE_REF, ...referral };
      if (visit(policy, initialState(), command, start, { depth: -1, sideSteps: 0 })) {
        referrers.get(referral.channel)?.add(referral.by);
      }
    }
  }

  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const { policy, state, now } = node;
    maxDepth = Math.max(maxDepth, node.depth);
    // An agency act a day later: every act, by every actor, with every representative argument.
    const next = addDays(now, 1);
    for (const command of TRIES) {
      if (visit(policy, state, command, next, node)) accepted.get(command.type)?.add(command.by);
    }
    // Or the workflow's next timer fires: the earliest due action (an expiry or an escalation), at its time.
    const due = pendingActions(state, policy).find((action) => action.kind !== 'reminder');
    if (due !== undefined) {
      dueActionsFired++;
      visit(policy, state, due.command, maxInstant(now, due.at), node);
    }
  }
  return {
    accepted,
    referrers,
    stages,
    states: seen.size,
    expanded: queue.length,
    decisions,
    dueActionsFired,
    maxDepth,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}

/**
 * R14 makes the return and reintegration operators configuration: the same law with the Danish Return
 * Agency organising travel and DRC the reintegration (what public sources describe today). The matrix of a
 * deployment under it must move those acts from IOM to them.
 */
const DRC_POLICY = loadPolicy({
  ...DENMARK_2013_DATA,
  version: 'dk-2013.1-drc',
  avr: { ...DENMARK_2013_DATA.avr, returnOperator: 'return-agency', reintegrationOperator: 'drc' },
  children: { ...DENMARK_2013_DATA.children, familyTracingBy: ['drc', 'red-cross'] },
  agencies: [
    ...DENMARK_AGENCIES,
    { id: 'drc', name: 'Danish Refugee Council', role: 'Reintegration', organisations: [] },
    { id: 'return-agency', name: 'Danish Return Agency', role: 'Assisted return', organisations: [] },
  ],
});

describe.each([
  { deployment: 'the Danish presets', policies: DENMARK_POLICIES, matrix: ACCESS_MATRIX },
  {
    deployment: 'a DRC / Return Agency policy',
    policies: [DRC_POLICY],
    matrix: accessMatrixFor([DRC_POLICY]),
  },
])('access matrix under $deployment: the act rows are the domain’s actors', ({ policies, matrix }) => {
  let exploration: Exploration;
  beforeAll(() => {
    exploration = explore(policies);
    console.info(
      `access-matrix exploration: ${exploration.states} states (${exploration.expanded} expanded), ` +
        `${exploration.decisions} decisions, ${exploration.dueActionsFired} due actions fired, ` +
        `depth ${exploration.maxDepth}, ${exploration.elapsedMs} ms`,
    );
  }, 120_000);

  it('explores far enough to mean something: every stage reached, every act accepted', () => {
    expect(exploration.states, 'the search was cut short by MAX_STATES').toBeLessThan(MAX_STATES);
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
      const roles = matrix[act];
      const row = new Set(roles.map(agencyOfRole));
      const missing = sorted([...domain].filter((a) => !row.has(a)));
      const extra = sorted(
        roles.filter((r) => {
          const agency = agencyOfRole(r);
          return agency === undefined || !domain.has(agency);
        }),
      );
      if (missing.length > 0 || extra.length > 0) {
        mismatches.push(
          `${act}: matrix [${roles.join(', ')}], domain accepts [${sorted(domain).join(', ')}]` +
            (missing.length > 0 ? ` — missing ${missing.join(', ')}` : '') +
            (extra.length > 0 ? ` — extra ${extra.join(', ')}` : ''),
        );
      }
    }
    expect(mismatches, `act rows differ from the domain:\n${mismatches.join('\n')}\n`).toEqual([]);
  });

  it('VICTIM_ACTS are exactly the acts the domain accepts with the victim as actor', () => {
    const domain = AGENCY_COMMAND_TYPES.filter((t) => exploration.accepted.get(t)?.has('victim'));
    const listed: readonly AgencyCommandType[] = VICTIM_ACTS;
    const mismatches = [
      ...domain
        .filter((t) => !listed.includes(t))
        .map((t) => `${t}: the domain accepts the victim — missing from VICTIM_ACTS`),
      ...listed
        .filter((t) => !domain.includes(t))
        .map((t) => `${t}: the domain never accepts the victim — extra in VICTIM_ACTS`),
    ];
    expect(mismatches, `VICTIM_ACTS differ from the domain:\n${mismatches.join('\n')}\n`).toEqual([]);
  });

  it('the openCase row names exactly the agencies the domain lets refer a case (R3, first encounter)', () => {
    const domain = new Set([...exploration.referrers.values()].flatMap((actors) => [...actors]));
    expect(domain.has('victim')).toBe(false);
    expect(sorted(matrix.openCase.map((r) => agencyOfRole(r) ?? r))).toEqual(sorted(domain));
  });
});

describe('roles', () => {
  it('every agency of the domain is a role (a policy may name any of them as an actor), and the auditor', () => {
    expect(sorted(ROLES)).toEqual(sorted([...AGENCY_IDS, 'auditor']));
    expect(Object.keys(ROLE_SCOPE).sort()).toEqual(sorted(ROLES));
  });

  it('R14: the AVR rows follow the policy’s operators, not a hard-coded IOM', () => {
    const drc = accessMatrixFor([DRC_POLICY]);
    expect(drc.recordArrival).toEqual(['drc']);
    expect(drc.recordCheckIn).toEqual(['drc']);
    expect(drc.recordDeparture).toEqual(['return-agency', 'police']);
    expect(drc.confirmAvrCooperation).toEqual(['return-agency', 'drc', 'cmm']);
    expect(ACCESS_MATRIX.recordCheckIn).toEqual(['iom']);
    // A deployment that runs old cases under IOM and new ones under DRC serves both.
    expect(accessMatrixFor([...DENMARK_POLICIES, DRC_POLICY]).recordCheckIn).toEqual(['iom', 'drc']);
  });
});
