import { assertNever } from '../assert-never.js';
import { applyStatusChange } from '../rules/competent-authority.rules.js';
import type { CaseReferred, PathwayEvent } from '../model/pathway.events.js';
import type { CaseState, PathwayState, PeriodClock } from '../model/pathway.state.js';

/**
 * Applies one event to the state. Pure and total: events carry every computed value, so no policy is
 * needed; an event that does not fit the state (e.g. before `CaseReferred`) leaves it unchanged.
 */
export function evolve(state: PathwayState, event: PathwayEvent): PathwayState {
  if (state.stage === 'not-started') return event.type === 'CaseReferred' ? opened(event) : state;
  return evolveCase(state, event);
}

/** Folds a history into a state (`events.reduce(evolve, initialState())`). */
export function replay(
  events: readonly PathwayEvent[],
  from: PathwayState = { stage: 'not-started' },
): PathwayState {
  return events.reduce(evolve, from);
}

function opened(event: CaseReferred): CaseState {
  return {
    stage: 'referred',
    caseRef: event.caseRef,
    policyVersion: event.policyVersion,
    openedAt: event.at,
    intake: { by: event.by, channel: event.channel },
    facts: event.facts,
    interviews: [],
    avr: {},
    permit: { terms: [] },
    // R17: treated as a child from intake unless assessed as an adult.
    child: event.facts.age === 'adult' ? {} : { treatedAsChildSince: event.at },
    escalated: [],
    stageSince: event.at,
  };
}

function evolveCase(state: CaseState, event: PathwayEvent): CaseState {
  switch (event.type) {
    case 'CaseReferred':
    case 'IdentificationRequested':
    case 'IdentificationRerouted':
    case 'ReintegrationCompleted':
      return state;
    case 'InterviewRecorded':
      return { ...state, interviews: [...state.interviews, { by: event.by, at: event.at }] };
    case 'IdentificationDecided':
      return { ...state, identification: { by: event.by, at: event.at, outcome: event.outcome } };
    case 'VictimStatusGrantedByCourt':
      return { ...state, identification: { by: event.by, at: event.at, outcome: 'identified' } };
    case 'CriminalCaseConcluded':
      return { ...state, criminalCaseConcludedAt: event.at, facts: { ...state.facts, isDefendant: false } };
    case 'LegalStatusChanged':
      return { ...state, facts: applyStatusChange(state.facts, event.change) };
    case 'AgeAssessed':
      return {
        ...state,
        facts: { ...state.facts, age: event.outcome },
        child:
          event.outcome === 'adult'
            ? { ...state.child, treatedAsChildSince: undefined }
            : { ...state.child, treatedAsChildSince: state.child.treatedAsChildSince ?? event.at },
      };
    case 'GuardianAppointed':
      return { ...state, child: { ...state.child, guardianAppointedAt: event.at } };
    case 'BestInterestDecided':
      return {
        ...state,
        child: {
          ...state.child,
          bestInterest: {
            by: event.by,
            decidedAt: event.at,
            familyTracing: event.familyTracing,
            durableSolution: event.durableSolution,
          },
        },
      };
    case 'FamilyTracingStarted':
      return { ...state, child: { ...state.child, familyTracingStartedAt: event.at } };
    case 'PeriodStarted':
      return {
        ...state,
        period: {
          kind: event.kind,
          startsAt: event.startsAt,
          baseDays: event.baseDays,
          capDays: event.capDays,
          endsAt: event.endsAt,
          extensions: [],
          requests: 0,
        },
      };
    case 'ExtensionRequested':
      return withPeriod(state, (p) => ({
        ...p,
        requests: event.requestNo,
        pending: {
          requestNo: event.requestNo,
          days: event.days,
          ground: event.ground,
          requestedAt: event.at,
          by: event.by,
        },
      }));
    case 'ExtensionGranted':
      return withPeriod(state, (p) => ({
        ...p,
        endsAt: event.endsAt,
        pending: undefined,
        releasedAt: event.at,
        extensions: [
          ...p.extensions,
          {
            requestNo: event.requestNo,
            days: event.days,
            ground: event.ground,
            decidedBy: event.by,
            decidedAt: event.at,
            endsAt: event.endsAt,
          },
        ],
      }));
    case 'ExtensionRefused':
      return withPeriod(state, (p) => ({ ...p, pending: undefined, releasedAt: event.at }));
    case 'PeriodEnded':
      return withPeriod(state, (p) => ({ ...p, pending: undefined, endedAt: event.at }));
    case 'AvrCooperationConfirmed':
      return { ...state, avr: { ...state.avr, cooperationConfirmedAt: event.at } };
    case 'AvrPlanDrafted':
      return { ...state, avr: { ...state.avr, planDraftedAt: event.at } };
    case 'PermitApplied':
      return {
        ...state,
        permit: { ...state.permit, pending: { renewal: event.renewal, by: event.by, appliedAt: event.at } },
      };
    case 'PermitGranted':
      return {
        ...state,
        permit: {
          ...state.permit,
          pending: undefined,
          // A first grant (even after an earlier permit ended) starts a fresh permit; term numbers keep
          // counting so that deadline ids stay unique within the case.
          ...(event.renewal ? {} : { endedAt: undefined, endCause: undefined }),
          terms: [
            ...(event.renewal ? state.permit.terms : []),
            {
              termNo: event.termNo,
              grantedBy: event.by,
              // R11/R12: the agency that applied for this term (police or prosecution) applies for its renewal.
              ...(state.permit.pending ? { appliedBy: state.permit.pending.by } : {}),
              startsAt: event.startsAt,
              endsAt: event.endsAt,
              grantedAt: event.at,
            },
          ],
        },
      };
    case 'PermitRefused':
      return { ...state, permit: { ...state.permit, pending: undefined } };
    case 'PermitEnded':
      return {
        ...state,
        permit: { ...state.permit, pending: undefined, endedAt: event.at, endCause: event.cause },
      };
    case 'WorkPermitApplied':
      return { ...state, workPermit: { appliedAt: event.at } };
    case 'WorkPermitGranted':
      return state.workPermit === undefined
        ? state
        : { ...state, workPermit: { ...state.workPermit, grantedAt: event.at } };
    case 'InvestigationEnded':
      return { ...state, investigationEndedAt: event.at, permit: { ...state.permit, pending: undefined } };
    case 'AsylumApplied':
      return {
        ...state,
        facts: { ...state.facts, isAsylumSeeker: true },
        asylum: { appliedAt: event.at, resumeStage: event.resumeStage },
      };
    case 'AsylumGranted':
    case 'AsylumRefused':
      return state.asylum === undefined
        ? state
        : {
            ...state,
            facts: { ...state.facts, isAsylumSeeker: false },
            asylum: {
              ...state.asylum,
              decidedAt: event.at,
              outcome: event.type === 'AsylumGranted' ? 'granted' : 'refused',
              ...(event.type === 'AsylumGranted' ? { municipalityCode: event.municipalityCode } : {}),
            },
          };
    case 'DepartureRecorded':
      return { ...state, avr: { ...state.avr, departedAt: event.at, assistedDeparture: event.assisted } };
    case 'ArrivalRecorded':
      return {
        ...state,
        monitoring: {
          arrivedAt: event.arrivedAt,
          endsAt: event.monitoringEndsAt,
          checkInsDueAt: event.checkInsDueAt,
          checkIns: [],
        },
      };
    case 'CheckInRecorded':
      return state.monitoring === undefined
        ? state
        : {
            ...state,
            monitoring: {
              ...state.monitoring,
              checkIns: [...state.monitoring.checkIns, { slot: event.slot, at: event.at }],
            },
          };
    case 'DeadlineMissed':
      return { ...state, escalated: [...state.escalated, event.deadlineId] };
    case 'StageChanged':
      return { ...state, stage: event.to, stageSince: event.at };
    case 'CaseClosed':
      return { ...state, stage: 'closed', closed: { at: event.at, reason: event.reason } };
    default:
      return assertNever(event);
  }
}

function withPeriod(state: CaseState, update: (period: PeriodClock) => PeriodClock): CaseState {
  return state.period === undefined ? state : { ...state, period: update(state.period) };
}
