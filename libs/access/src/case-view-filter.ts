import type { CaseView, Role } from '../../contracts/src/index.js';
import type { CaseState, DeadlineKind, PathwayEventType, PathwayState } from '../../domain/src/index.js';

/**
 * Field-level access: a case is split into sections, and each role sees only the sections its work needs
 * (need to know). Every field of the case state, every event type and every deadline kind is assigned a
 * section by a total map, so a new field cannot appear in a response without a decision here.
 */
export const SECTIONS = [
  'core', // reference, stage, policy, opening, closure, escalations
  'intake', // how the case came in and the status facts (legal stay, defendant, age)
  'identification', // interviews and the identification decision
  'period', // reflection/restitution period and its extensions
  'investigation', // end of investigation and of the criminal case
  'permit', // residence and work permits
  'asylum', // asylum application, decision, municipality
  'child', // age assessments, guardian, best interest, family tracing
  'guardian-deadline', // that a child's guardian must be appointed, and by when (not the child's file)
  'return', // AVR, departure, arrival, reintegration monitoring
  'access', // who else holds access to the case
] as const;
export type Section = (typeof SECTIONS)[number];

export const STATE_FIELD_SECTIONS: { readonly [K in keyof CaseState]-?: Section } = {
  stage: 'core',
  caseRef: 'core',
  policyVersion: 'core',
  openedAt: 'core',
  closed: 'core',
  escalated: 'core',
  stageSince: 'core',
  intake: 'intake',
  facts: 'intake',
  interviews: 'identification',
  identification: 'identification',
  period: 'period',
  avr: 'return',
  investigationEndedAt: 'investigation',
  criminalCaseConcludedAt: 'investigation',
  permit: 'permit',
  workPermit: 'permit',
  asylum: 'asylum',
  child: 'child',
  monitoring: 'return',
};

export const EVENT_SECTIONS: { readonly [T in PathwayEventType]: Section } = {
  CaseReferred: 'core',
  InterviewRecorded: 'identification',
  IdentificationRequested: 'identification',
  IdentificationDecided: 'identification',
  VictimStatusGrantedByCourt: 'identification',
  CriminalCaseConcluded: 'investigation',
  LegalStatusChanged: 'intake',
  IdentificationRerouted: 'identification',
  AgeAssessed: 'child',
  GuardianAppointed: 'child',
  BestInterestDecided: 'child',
  FamilyTracingStarted: 'child',
  PeriodStarted: 'period',
  ExtensionRequested: 'period',
  ExtensionGranted: 'period',
  ExtensionRefused: 'period',
  PeriodEnded: 'period',
  AvrCooperationConfirmed: 'return',
  AvrPlanDrafted: 'return',
  PermitApplied: 'permit',
  PermitGranted: 'permit',
  PermitRefused: 'permit',
  PermitEnded: 'permit',
  WorkPermitApplied: 'permit',
  WorkPermitGranted: 'permit',
  InvestigationEnded: 'investigation',
  AsylumApplied: 'asylum',
  AsylumGranted: 'asylum',
  AsylumRefused: 'asylum',
  DepartureRecorded: 'return',
  ArrivalRecorded: 'return',
  CheckInRecorded: 'return',
  DeadlineMissed: 'core',
  ReintegrationCompleted: 'return',
  StageChanged: 'core',
  CaseClosed: 'core',
};

export const DEADLINE_SECTIONS: { readonly [K in DeadlineKind]: Section } = {
  'guardian-appointment': 'guardian-deadline',
  'reflection-period-end': 'period',
  'restitution-period-end': 'period',
  'extension-decision': 'period',
  'permit-expiry': 'permit',
  'permit-renewal-decision': 'permit',
  'check-in': 'return',
  'monitoring-end': 'return',
  'departure-follow-up': 'return',
  'return-follow-up': 'return',
};

const ALL: readonly Section[] = SECTIONS;
const allBut = (...hidden: Section[]): readonly Section[] => SECTIONS.filter((s) => !hidden.includes(s));
/** R14: whoever a policy names to organise the return or the reintegration (IOM by default; DRC, the Return Agency). */
const AVR_OPERATOR: readonly Section[] = ['core', 'period', 'child', 'guardian-deadline', 'return'];

/**
 * What each role needs. National bodies and the auditor see everything. Police and prosecution see what
 * the investigation and the permit need, not asylum or the child's welfare file; the AVR operators (IOM,
 * DRC, the Return Agency) and the support organisations see the period and the return, not the criminal case; a guardian sees the child's whole
 * pathway except the criminal investigation. Only national roles see who else holds access.
 */
export const ROLE_SECTIONS: { readonly [R in Role]: readonly Section[] } = {
  cmm: ALL,
  dis: ALL,
  siri: ALL,
  auditor: ALL,
  police: [
    'core',
    'intake',
    'identification',
    'period',
    'investigation',
    'permit',
    'return',
    'guardian-deadline',
  ],
  prosecution: ['core', 'intake', 'identification', 'period', 'investigation', 'permit', 'guardian-deadline'],
  court: ['core', 'intake', 'identification', 'investigation'],
  iom: AVR_OPERATOR,
  drc: AVR_OPERATOR,
  'return-agency': AVR_OPERATOR,
  ngo: ['core', 'identification', 'period', 'permit', 'return'],
  shelter: ['core', 'period', 'permit', 'child', 'guardian-deadline', 'return'],
  municipality: ['core', 'period', 'asylum', 'child', 'guardian-deadline'],
  'red-cross': ['core', 'asylum', 'child', 'guardian-deadline', 'return'],
  guardian: allBut('investigation', 'access'),
};

export function sectionsOf(role: Role): ReadonlySet<Section> {
  return new Set(ROLE_SECTIONS[role]);
}

/** The case as this role may see it: hidden sections are left out (absent, not nulled). */
export function viewForRole(role: Role, view: CaseView): CaseView {
  const visible = sectionsOf(role);
  const deadlines = view.deadlines.filter((d) => visible.has(DEADLINE_SECTIONS[d.kind]));
  const next = view.next && deadlines.some((d) => d.id === view.next?.deadlineId) ? { next: view.next } : {};
  const timeline = view.timeline.filter((entry) => {
    const section = EVENT_SECTIONS[entry.type as PathwayEventType] as Section | undefined;
    return section !== undefined && visible.has(section);
  });
  return {
    caseRef: view.caseRef,
    stage: view.stage,
    ...(view.policyVersion !== undefined ? { policyVersion: view.policyVersion } : {}),
    deadlines,
    ...next,
    timeline,
    ...(view.closed ? { closed: view.closed } : {}),
    state: filterState(view.state, visible),
    ...(visible.has('access') && view.access ? { access: view.access } : {}),
    ...(visible.has('access') && view.undeliverable ? { undeliverable: view.undeliverable } : {}),
    ...(view.support ? { support: view.support } : {}),
    ...(view.nextSteps
      ? { nextSteps: view.nextSteps.filter((step) => deadlines.some((d) => d.id === step.deadlineId)) }
      : {}),
  };
}

function filterState(state: PathwayState, visible: ReadonlySet<Section>): PathwayState {
  if (state.stage === 'not-started') return state;
  const kept = Object.entries(state).filter(([key]) => {
    const section = STATE_FIELD_SECTIONS[key as keyof CaseState] as Section | undefined;
    // A field without a section (from a newer worker) is withheld rather than guessed at.
    return section !== undefined && visible.has(section);
  });
  return Object.fromEntries(kept) as unknown as CaseState;
}
