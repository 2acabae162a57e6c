/**
 * Roles, parties and grants as plain data and functions: no schema here, so the workflow sandbox can load it
 * (ADR 0019). The schemas that check them at the edges are in `access.contract.ts`, which re-exports this.
 */
import type { AgencyId } from '../../domain/src/index.js';
import type { PathwayEvent } from '../../domain/src/index.js';

/**
 * Who calls the gateway. A role is carried by the bearer token (`role` claim) together with the caller's
 * organisation (`org`, e.g. `nec` for the National Centre of Investigation) and an opaque subject (`sub`).
 * Every role but `auditor` acts as one agency of the domain; the auditor reads and never acts.
 */
export const ROLES = [
  'cmm',
  'dis',
  'siri',
  'police',
  'prosecution',
  'court',
  'iom',
  'drc',
  'return-agency',
  'ngo',
  'shelter',
  'municipality',
  'red-cross',
  'guardian',
  'auditor',
] as const satisfies readonly (AgencyId | 'auditor')[];
export type Role = (typeof ROLES)[number];

/** The agency a role acts as in the domain (`by` of every command); the auditor acts as none. */
export function agencyOfRole(role: Role): AgencyId | undefined {
  return role === 'auditor' ? undefined : role;
}

/** Roles whose grants name a subject rather than an organisation. */
export const SUBJECT_SCOPED_ROLES: readonly Role[] = ['guardian'];

/** An organisation or subject code: lower-case letters, digits and dashes; never a person's name. */
export const PARTY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/**
 * A subject id as OpenID Connect issuers send it: opaque, 1–255 characters of letters (either case), digits
 * and `. _ : | -` (base64url ids, UUIDs, `provider|id`). Spaces, `@` and anything else are refused: a subject
 * that looks like a name, an e-mail address or a personal number is not an opaque id, and would be copied
 * into grants and the access log.
 */
// Any of those characters may come first: base64url subjects start with `-` or `_` one time in 32.
export const SUBJECT_PATTERN = /^[A-Za-z0-9._:|-]{1,255}$/;
/** True for a party value that may be put in a grant keyword (either form). */
export function isValidParty(party: string): boolean {
  return PARTY_PATTERN.test(party) || SUBJECT_PATTERN.test(party);
}

/** The verified claims of a bearer token, as the gateway uses them. */
export interface Principal {
  /** Opaque subject id from the issuer (a caseworker account, never a victim). */
  readonly sub: string;
  readonly role: Role;
  /** Organisation code; scopes that follow an organisation (NGO, police unit, IOM mission) use it. */
  readonly org: string;
}

/**
 * Object scopes. A role whose scope is `granted` sees a case only when the case holds a grant for the
 * caller's party: the organisation (NGO assigned, police unit linked to its investigation, IOM mission the
 * case was handed to for return …) or, for a guardian, the subject. National roles see every case.
 */
export type ScopeKind = 'national' | 'granted';

/** A grant on a case: `role` may see and act on it when the caller's party (org or subject) is `party`. */
export interface AccessGrant {
  readonly role: Role;
  readonly party: string;
}

export interface RecordedAccessGrant extends AccessGrant {
  readonly by: AgencyId;
  readonly at: string;
}

/** The keyword stored in the `AccessGrants` search attribute (no personal data: a role and a code). */
export function grantKey(grant: AccessGrant): string {
  return `${grant.role}:${grant.party}`;
}

/** The party a principal is known by in grants: its subject for subject-scoped roles, else its organisation. */
export function partyOf(principal: Principal): string {
  return SUBJECT_SCOPED_ROLES.includes(principal.role) ? principal.sub : principal.org;
}

/**
 * Access a fact gives by itself: R18 — when DIS grants asylum and names the municipality, that municipality
 * (its organisation code is its 3-digit municipality code) must be able to open the case to offer the
 * integration plan, although the case closes with the decision.
 */
export function grantsImpliedBy(event: PathwayEvent): readonly AccessGrant[] {
  return event.type === 'AsylumGranted' ? [{ role: 'municipality', party: event.municipalityCode }] : [];
}

/** Arguments of the grant/revoke Updates: who grants (an agency) and the grant. */
export interface AccessChangeArgs {
  readonly by: AgencyId;
  readonly grant: AccessGrant;
}
