import {
  AGENCY_COMMAND_TYPES,
  ROLES,
  type AgencyCommandType,
  type Role,
  type ScopeKind,
} from '../../contracts/src/index.js';

/**
 * Everything a caller can do through the gateway: the case operations and the agency acts. Each is one
 * route per role that may perform it; the route table is generated from this list and `ACCESS_MATRIX`, so
 * an operation cannot be reachable without a matrix entry.
 */
export const CASE_OPERATIONS = [
  'openCase',
  'viewCase',
  'listCases',
  'listDeadlines',
  'grantAccess',
  'revokeAccess',
] as const;
export type CaseOperation = (typeof CASE_OPERATIONS)[number];
export type Operation = CaseOperation | AgencyCommandType;
export const OPERATIONS: readonly Operation[] = [...CASE_OPERATIONS, ...AGENCY_COMMAND_TYPES];

const EVERY_ROLE = ROLES;

/**
 * Role × operation: which roles may perform each operation (object scopes are checked besides). The act
 * rows are the domain's actors under every policy preset (a unit test explores the domain and checks that
 * each row equals the agencies `decide` ever accepts): the gateway refuses early what the rules would
 * refuse anyway, and the domain still checks every act against the case's own policy.
 */
export const ACCESS_MATRIX: { readonly [O in Operation]: readonly Role[] } = {
  // R1/R3: first-encounter organisations, and asylum screening (DIS; Red Cross for unaccompanied minors).
  openCase: ['cmm', 'dis', 'police', 'ngo', 'red-cross'],
  viewCase: EVERY_ROLE,
  listCases: EVERY_ROLE,
  listDeadlines: EVERY_ROLE,
  // The coordinator and the immigration authority assign NGOs, link police units, hand over to IOM, and
  // register a child's guardian.
  grantAccess: ['cmm', 'dis'],
  revokeAccess: ['cmm', 'dis'],
  recordInterview: ['cmm', 'ngo'],
  submitForIdentification: ['cmm', 'ngo'],
  decideIdentification: ['cmm', 'dis', 'siri'],
  courtGrantsStatus: ['court'],
  concludeCriminalCase: ['court', 'prosecution'],
  changeLegalStatus: ['dis', 'siri', 'police', 'prosecution', 'court'],
  recordAgeAssessment: ['dis', 'police'],
  appointGuardian: ['municipality'],
  decideBestInterest: ['municipality', 'cmm'],
  startFamilyTracing: ['iom', 'red-cross'],
  confirmAvrCooperation: ['iom', 'cmm'],
  draftAvrPlan: ['iom', 'cmm'],
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
  recordDeparture: ['iom', 'police'],
  recordArrival: ['iom'],
  recordCheckIn: ['iom'],
  closeCase: ['cmm'],
};

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
  return operation !== 'openCase' && operation !== 'listCases' && operation !== 'listDeadlines';
}
