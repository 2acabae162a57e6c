import {
  AGENCY_COMMAND_TYPES,
  CODEC_ROLES,
  NOTE_READERS,
  ROLES,
  type AgencyCommandType,
  type Role,
  type ScopeKind,
} from '../../contracts/src/index.js';
import { DENMARK_POLICIES, avrActors, type AgencyId, type Policy } from '../../domain/src/index.js';

/**
 * Everything a caller can do through the gateway: the case operations and the agency acts. Each is one
 * route per role that may perform it; the route table is generated from this list and `ACCESS_MATRIX`, so
 * an operation cannot be reachable without a matrix entry.
 */
export const CASE_OPERATIONS = [
  'openCase',
  'viewCase',
  'availableActs',
  'listCases',
  'listDeadlines',
  'caseloadCounts',
  'grantAccess',
  'revokeAccess',
  'viewPerson',
  'recordPerson',
  'addCaseNote',
  'exportPerson',
  'erasePerson',
  'decodePayloads',
  'encodePayloads',
  'createCalendarFeed',
  'listCalendarFeeds',
  'revokeCalendarFeed',
  'deadlineCalendar',
] as const;
export type CaseOperation = (typeof CASE_OPERATIONS)[number];
export type Operation = CaseOperation | AgencyCommandType;
export const OPERATIONS: readonly Operation[] = [...CASE_OPERATIONS, ...AGENCY_COMMAND_TYPES];

const EVERY_ROLE = ROLES;

/** The acts whose actors a policy names (R14: the return and reintegration operators are configuration). */
type PolicyAct = Extract<
  AgencyCommandType,
  | 'startFamilyTracing'
  | 'confirmAvrCooperation'
  | 'draftAvrPlan'
  | 'recordDeparture'
  | 'recordArrival'
  | 'recordCheckIn'
>;

/** Per act whose actors a policy names: the agencies one policy lets take it. */
const POLICY_ACTORS: { readonly [A in PolicyAct]: (policy: Policy) => readonly AgencyId[] } = {
  startFamilyTracing: (p) => p.children.familyTracingBy,
  confirmAvrCooperation: avrActors,
  draftAvrPlan: avrActors,
  // The return operator records an assisted departure; another agency (police) one without AVR (R10).
  recordDeparture: (p) => [p.avr.returnOperator, p.avr.unassistedDepartureRecordedBy],
  recordArrival: (p) => [p.avr.reintegrationOperator],
  recordCheckIn: (p) => [p.avr.reintegrationOperator],
};

/**
 * Role × operation: which roles may perform each operation (object scopes are checked besides), for a
 * deployment that runs cases under `policies`. The act rows are the domain's actors under those policies (a
 * unit test explores the domain and checks that each row equals the agencies `decide` ever accepts): the
 * gateway refuses early what the rules would refuse anyway, and the domain still checks every act against
 * the case's own policy. The AVR rows are read from the policies, so a policy that names DRC as the
 * reintegration operator gives DRC's role the arrival and check-in routes, and takes them from IOM.
 */
export function accessMatrixFor(policies: readonly Policy[]): {
  readonly [O in Operation]: readonly Role[];
} {
  const actorsOf = (act: PolicyAct): readonly Role[] => [
    ...new Set(policies.flatMap((policy) => POLICY_ACTORS[act](policy))),
  ];
  return {
    // R1/R3: first-encounter organisations, and asylum screening (DIS; Red Cross for unaccompanied minors).
    openCase: ['cmm', 'dis', 'police', 'ngo', 'red-cross'],
    viewCase: EVERY_ROLE,
    // What the domain accepts from the caller's agency now (the auditor, who acts on nothing, gets none).
    availableActs: EVERY_ROLE,
    listCases: EVERY_ROLE,
    listDeadlines: EVERY_ROLE,
    caseloadCounts: EVERY_ROLE,
    // The coordinator and the immigration authority assign NGOs, link police units, hand over to the AVR
    // operator, and register a child's guardian.
    grantAccess: ['cmm', 'dis'],
    revokeAccess: ['cmm', 'dis'],
    // The person behind the case (docs/personal-data.md): every role reads what its work needs (the auditor
    // only which sections exist); every role that works with the person records its sections; notes are
    // written by those who support the person day to day; CMM answers a subject-access request and erases.
    viewPerson: EVERY_ROLE,
    recordPerson: EVERY_ROLE.filter((role) => role !== 'auditor' && role !== 'court'),
    addCaseNote: NOTE_READERS,
    exportPerson: ['cmm'],
    erasePerson: ['cmm'],
    // Temporal's codec server (ADR 0015): the payloads of Temporal's UI and CLI, opened for CMM only.
    decodePayloads: CODEC_ROLES,
    encodePayloads: CODEC_ROLES,
    // Calendar feeds (ADR 0020): "my deadlines" as iCalendar, scoped exactly like the board, for every role
    // that has the board — the auditor too (its feed, like its board, holds every agency's deadlines: case
    // refs and instants only). A feed reads with its own revocable token, not a bearer header.
    createCalendarFeed: EVERY_ROLE,
    listCalendarFeeds: EVERY_ROLE,
    revokeCalendarFeed: EVERY_ROLE,
    deadlineCalendar: EVERY_ROLE,
    recordInterview: ['cmm', 'ngo'],
    submitForIdentification: ['cmm', 'ngo'],
    decideIdentification: ['cmm', 'dis', 'siri'],
    courtGrantsStatus: ['court'],
    concludeCriminalCase: ['court', 'prosecution'],
    changeLegalStatus: ['dis', 'siri', 'police', 'prosecution', 'court'],
    recordAgeAssessment: ['dis', 'police'],
    appointGuardian: ['municipality'],
    decideBestInterest: ['municipality', 'cmm'],
    startFamilyTracing: actorsOf('startFamilyTracing'),
    confirmAvrCooperation: actorsOf('confirmAvrCooperation'),
    draftAvrPlan: actorsOf('draftAvrPlan'),
    requestExtension: ['cmm', 'shelter'],
    decideExtension: ['dis', 'cmm'],
    applyForPermit: ['police', 'prosecution'],
    requestPermitRenewal: ['police', 'prosecution'],
    decidePermit: ['dis'],
    applyForWorkPermit: ['cmm', 'ngo', 'shelter'],
    decideWorkPermit: ['dis'],
    endInvestigation: ['police', 'prosecution', 'court'],
    applyForAsylum: ['dis', 'police', 'cmm', 'ngo', 'shelter', 'guardian'],
    decideAsylum: ['dis'],
    recordDeparture: actorsOf('recordDeparture'),
    recordArrival: actorsOf('recordArrival'),
    recordCheckIn: actorsOf('recordCheckIn'),
    closeCase: ['cmm'],
  };
}

/** The access matrix of this deployment: cases run under the Danish policy presets. */
export const ACCESS_MATRIX = accessMatrixFor(DENMARK_POLICIES);

/** Acts a role may record on the victim's behalf (`onBehalfOfVictim: true` makes the victim the actor). */
export const VICTIM_ACTS = [
  'requestExtension',
  'applyForAsylum',
  'applyForWorkPermit',
] as const satisfies readonly AgencyCommandType[];
export type VictimAct = (typeof VICTIM_ACTS)[number];

export function isVictimAct(operation: Operation): operation is VictimAct {
  return (VICTIM_ACTS as readonly string[]).includes(operation);
}

/**
 * How far a role sees. National bodies (the coordinator, the immigration authorities) and the auditor see
 * every case; every other role sees a case only through a grant on it naming its party.
 */
export const ROLE_SCOPE: { readonly [R in Role]: ScopeKind } = {
  cmm: 'national',
  dis: 'national',
  siri: 'national',
  auditor: 'national',
  police: 'granted',
  prosecution: 'granted',
  court: 'granted',
  iom: 'granted',
  drc: 'granted',
  'return-agency': 'granted',
  ngo: 'granted',
  shelter: 'granted',
  municipality: 'granted',
  'red-cross': 'granted',
  guardian: 'granted',
};

export function mayPerform(role: Role, operation: Operation): boolean {
  return ACCESS_MATRIX[operation].includes(role);
}

/** Operations that address one existing case (and so are subject to its object scope). */
export function isCaseScoped(operation: Operation): boolean {
  return !(
    [
      'openCase',
      'listCases',
      'listDeadlines',
      'caseloadCounts',
      'decodePayloads',
      'encodePayloads',
      'createCalendarFeed',
      'listCalendarFeeds',
      'revokeCalendarFeed',
      'deadlineCalendar',
    ] as Operation[]
  ).includes(operation);
}
