import type { AgencyId } from '../agency.js';
import { assertNever } from '../assert-never.js';
import type { LegalStatusChange } from '../model/pathway.commands.js';
import type { IdentificationPolicy, Policy } from '../policy/policy.types.js';

/** The status facts that decide who identifies (R1). */
export interface StatusFacts {
  readonly hasLegalStay: boolean;
  readonly isDefendant: boolean;
  readonly siriResponsible: boolean;
}

/** One row of the R1 routing table. The rows are mutually exclusive and together cover every status. */
export interface AuthorityRoute {
  readonly when: string;
  readonly matches: (facts: StatusFacts) => boolean;
  readonly authority: (policy: IdentificationPolicy) => AgencyId;
}

// R1: competent authority by status at the time of identification. A defendant in a criminal case goes to
// the court whatever the stay; otherwise no legal stay → DIS (SIRI when flagged), legal stay → CMM.
export const AUTHORITY_ROUTES: readonly AuthorityRoute[] = [
  { when: 'defendant in a criminal case', matches: (f) => f.isDefendant, authority: (p) => p.defendant },
  {
    when: 'no legal stay, SIRI competent',
    matches: (f) => !f.isDefendant && !f.hasLegalStay && f.siriResponsible,
    authority: (p) => p.noLegalStayAlternative,
  },
  {
    when: 'no legal stay',
    matches: (f) => !f.isDefendant && !f.hasLegalStay && !f.siriResponsible,
    authority: (p) => p.noLegalStay,
  },
  { when: 'legal stay', matches: (f) => !f.isDefendant && f.hasLegalStay, authority: (p) => p.legalStay },
];

/** R1: the routing rows that match a status (exactly one, by construction; a property test checks it). */
export function matchingRoutes(facts: StatusFacts): readonly AuthorityRoute[] {
  return AUTHORITY_ROUTES.filter((route) => route.matches(facts));
}

/** R1: the one authority competent to identify, given the status now. */
export function competentAuthority(facts: StatusFacts, policy: Policy): AgencyId {
  const [route, ...others] = matchingRoutes(facts);
  if (route === undefined || others.length > 0) {
    throw new Error('R1 routing table must match exactly one route');
  }
  return route.authority(policy.identification);
}

/** R1: the status after a change. */
export function applyStatusChange<F extends StatusFacts>(facts: F, change: LegalStatusChange): F {
  switch (change.kind) {
    case 'legal-stay':
      return { ...facts, hasLegalStay: change.hasLegalStay };
    case 'defendant':
      return { ...facts, isDefendant: change.isDefendant };
    case 'siri-responsible':
      return { ...facts, siriResponsible: change.siriResponsible };
    default:
      return assertNever(change);
  }
}

/** R1: re-routing on a status change: the authority before and after, and whether it moved. */
export function reroute(
  before: StatusFacts,
  change: LegalStatusChange,
  policy: Policy,
): { readonly from: AgencyId; readonly to: AgencyId; readonly changed: boolean } {
  const from = competentAuthority(before, policy);
  const to = competentAuthority(applyStatusChange(before, change), policy);
  return { from, to, changed: from !== to };
}
