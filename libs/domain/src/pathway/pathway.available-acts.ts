import type { AgencyId } from '../agency.js';
import { EXTENSION_GROUNDS, LEGAL_STATUS_CHANGE_KINDS, type Policy } from '../policy/policy.types.js';
import type { Instant } from '../time.js';
import type { PathwayCommand, PathwayCommandType } from '../model/pathway.commands.js';
import type { Refusal } from '../model/pathway.refusals.js';
import {
  AGE_ASSESSMENT_OUTCOMES,
  DURABLE_SOLUTIONS,
  GRANT_OUTCOMES,
  IDENTIFICATION_OUTCOMES,
  type CaseState,
  type PathwayState,
} from '../model/pathway.state.js';
import { MANUAL_CLOSE_REASONS } from '../stages.js';
import { decide } from './pathway.decide.js';

/** The acts an agency takes on a case (the opening referral and the workflow's own timers are not). */
export type AgencyActType = Exclude<PathwayCommandType, 'referCase' | 'recordDeadlineReached'>;

/** A value a form offers for one field of an act: an outcome, a reason, a kind of change. */
export type Choice = Readonly<Record<string, string | boolean>>;

type CommandOf<T extends PathwayCommandType> = Extract<PathwayCommand, { type: T }>;
type Body<T extends PathwayCommandType> =
  CommandOf<T> extends infer C ? (C extends unknown ? Omit<C, 'by' | 'via' | 'type'> : never) : never;

/** One way of taking an act: what the form's choice is, and the command that choice makes. */
interface Probe<T extends AgencyActType> {
  readonly choice: Choice;
  readonly body: Body<T>;
}

const one = <T extends AgencyActType>(body: Body<T>): readonly Probe<AgencyActType>[] => [
  { choice: {}, body },
];

/** The day counts to probe are whole days; a period never runs longer than its cap, so no count above it. */
const probeDays = (state: CaseState): number => state.period?.capDays ?? 120;

/**
 * For each act, every choice a form could offer (so that the answer says which of them the rules accept
 * now). Acts with a free number (extension days) are probed with one day; their largest accepted number is
 * searched separately.
 */
const PROBES: {
  readonly [T in AgencyActType]: (state: CaseState, policy: Policy) => readonly Probe<AgencyActType>[];
} = {
  recordInterview: () => one({}),
  submitForIdentification: () => one({}),
  decideIdentification: () =>
    IDENTIFICATION_OUTCOMES.map((outcome) => ({ choice: { outcome }, body: { outcome } })),
  courtGrantsStatus: () => one({}),
  concludeCriminalCase: () => one({}),
  changeLegalStatus: (state) =>
    LEGAL_STATUS_CHANGE_KINDS.map((kind) => {
      switch (kind) {
        case 'legal-stay':
          return { choice: { kind }, body: { change: { kind, hasLegalStay: !state.facts.hasLegalStay } } };
        case 'defendant':
          return { choice: { kind }, body: { change: { kind, isDefendant: !state.facts.isDefendant } } };
        case 'siri-responsible':
          return {
            choice: { kind },
            body: { change: { kind, siriResponsible: !state.facts.siriResponsible } },
          };
      }
    }),
  recordAgeAssessment: () =>
    AGE_ASSESSMENT_OUTCOMES.map((outcome) => ({ choice: { outcome }, body: { outcome } })),
  appointGuardian: () => one({}),
  decideBestInterest: () =>
    [true, false].flatMap((familyTracing) =>
      DURABLE_SOLUTIONS.map((durableSolution) => ({
        choice: { familyTracing, durableSolution },
        body: { familyTracing, durableSolution },
      })),
    ),
  startFamilyTracing: () => one({}),
  confirmAvrCooperation: () => one({}),
  draftAvrPlan: () => one({}),
  requestExtension: () =>
    EXTENSION_GROUNDS.map((ground) => ({ choice: { ground }, body: { days: 1, ground } })),
  decideExtension: () => [
    { choice: { outcome: 'granted' }, body: { outcome: 'granted', days: 1 } },
    { choice: { outcome: 'refused' }, body: { outcome: 'refused' } },
  ],
  applyForPermit: () => one({ victimCooperatesWithPolice: true }),
  requestPermitRenewal: () => one({ victimCooperatesWithPolice: true }),
  decidePermit: () => GRANT_OUTCOMES.map((outcome) => ({ choice: { outcome }, body: { outcome } })),
  applyForWorkPermit: () => one({}),
  decideWorkPermit: () => one({}),
  endInvestigation: () => one({}),
  applyForAsylum: () => one({}),
  decideAsylum: () => [
    // R18: a municipality is any 3-digit code; the probe's stands for whichever the form names.
    { choice: { outcome: 'granted' }, body: { outcome: 'granted', municipalityCode: '101' } },
    { choice: { outcome: 'refused' }, body: { outcome: 'refused' } },
  ],
  recordDeparture: () => one({}),
  recordArrival: () => one({}),
  recordCheckIn: () => one({}),
  closeCase: () => MANUAL_CLOSE_REASONS.map((reason) => ({ choice: { reason }, body: { reason } })),
};

/** Every act an agency takes on a case, in the order of the probes above. */
export const AGENCY_ACT_TYPES = Object.keys(PROBES) as readonly AgencyActType[];

/** Acts the victim may take through the agency that helps (R6, R13, R18): `by: victim, via: agency`. */
const VICTIM_MAY: ReadonlySet<AgencyActType> = new Set([
  'requestExtension',
  'applyForAsylum',
  'applyForWorkPermit',
]);

export interface ActAvailability {
  readonly act: AgencyActType;
  /** The rules accept it now (with at least one of its choices). */
  readonly available: boolean;
  /** The choices the rules accept now (absent for an act without choices). */
  readonly choices?: readonly Choice[];
  /** Who may be recorded as acting: the agency itself, the victim through it (R6), or both. */
  readonly actors?: readonly ('agency' | 'victim')[];
  /** For an act with a number of days: the largest the rules accept now (R5's cap). */
  readonly maxDays?: number;
  /** Not available because it is done: the rules would accept it again with nothing to record. */
  readonly done?: true;
  /** Why not, when it is not available: the domain's refusal of its first choice, with its rule. */
  readonly refusal?: Omit<Refusal, 'ok'>;
}

const withoutOk = ({ ok: _ok, ...refusal }: Refusal): Omit<Refusal, 'ok'> => refusal;

/**
 * Which of `acts` `agency` may take on this case now, asked of `decide` itself: each act's choices are tried
 * as commands against the case's state, so the answer cannot differ from what an act would get. An act
 * that repeats a recorded fact (accepted with nothing to do) counts as not available. Pure, like `decide`.
 */
export function availableActs(
  state: PathwayState,
  policy: Policy,
  now: Instant,
  agency: AgencyId,
  acts: readonly AgencyActType[],
): readonly ActAvailability[] {
  return acts.map((act) => availabilityOf(act, state, policy, now, agency));
}

function availabilityOf(
  act: AgencyActType,
  state: PathwayState,
  policy: Policy,
  now: Instant,
  agency: AgencyId,
): ActAvailability {
  const outcomes = (probe: Probe<AgencyActType>, asVictim: boolean) => {
    const actor = asVictim ? { by: 'victim' as const, via: agency } : { by: agency };
    // The probe's body is the act's own fields (typed per act above); with `type` and the actor it is that act.
    const command = { type: act, ...probe.body, ...actor } as unknown as PathwayCommand;
    return decide(command, state, now, policy);
  };
  if (state.stage === 'not-started' || state.stage === 'closed') {
    // `decide` refuses any act on a case that is not open before it reads the act's fields.
    const decision = decide({ type: act, by: agency } as unknown as PathwayCommand, state, now, policy);
    return { act, available: false, ...(decision.ok ? {} : { refusal: withoutOk(decision) }) };
  }
  const probes = PROBES[act](state, policy);
  const modes = VICTIM_MAY.has(act) ? ([false, true] as const) : ([false] as const);
  const accepted = new Set<Probe<AgencyActType>>();
  const actors = new Set<'agency' | 'victim'>();
  let firstRefusal: Refusal | undefined;
  let done = false;
  for (const asVictim of modes) {
    for (const probe of probes) {
      const decision = outcomes(probe, asVictim);
      if (decision.ok && decision.events.length > 0) {
        accepted.add(probe);
        actors.add(asVictim ? 'victim' : 'agency');
      } else if (decision.ok) done = true;
      else firstRefusal ??= decision;
    }
  }
  const hasChoices = probes.some((p) => Object.keys(p.choice).length > 0);
  if (accepted.size === 0) {
    if (done) return { act, available: false, done: true };
    return { act, available: false, ...(firstRefusal ? { refusal: withoutOk(firstRefusal) } : {}) };
  }
  const choices = probes.filter((p) => accepted.has(p)).map((p) => p.choice);
  const maxDays =
    act === 'requestExtension' || act === 'decideExtension'
      ? largestAccepted(probeDays(state), (days) =>
          [...accepted]
            .filter((probe) => 'days' in probe.body)
            .some((probe) =>
              modes.some((asVictim) => {
                const decision = outcomes({ ...probe, body: { ...probe.body, days } }, asVictim);
                return decision.ok && decision.events.length > 0;
              }),
            ),
        )
      : undefined;
  return {
    act,
    available: true,
    ...(hasChoices ? { choices } : {}),
    ...(VICTIM_MAY.has(act) ? { actors: [...actors].sort() } : {}),
    ...(maxDays !== undefined ? { maxDays } : {}),
  };
}

/** The largest n in 1..upTo that `accepts` (which holds for 1 and is monotone: fewer days never break a cap). */
function largestAccepted(upTo: number, accepts: (n: number) => boolean): number {
  let low = 1;
  let high = upTo;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (accepts(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}
