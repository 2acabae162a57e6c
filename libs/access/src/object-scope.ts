import {
  isValidParty,
  SearchAttributes,
  grantKey,
  partyOf,
  type AccessGrant,
  type Principal,
  type Role,
} from '../../contracts/src/index.js';
import { ROLE_SCOPE } from './access-matrix.js';

/** The grant that lets this principal see a case (undefined for national roles, which need none). */
export function grantFor(principal: Principal): AccessGrant | undefined {
  return ROLE_SCOPE[principal.role] === 'national'
    ? undefined
    : { role: principal.role, party: partyOf(principal) };
}

/** Object scope: a national role sees every case; any other only a case holding a grant for its party. */
export function isInScope(principal: Principal, grants: readonly AccessGrant[]): boolean {
  const needed = grantFor(principal);
  if (needed === undefined) return true;
  const key = grantKey(needed);
  return grants.some((grant) => grantKey(grant) === key);
}

/**
 * The grant a case opens with: the referring organisation keeps access to the case it referred (an NGO to
 * its referral, a police unit to the case it met). National roles need none.
 */
export function initialGrants(principal: Principal): AccessGrant[] {
  const grant = grantFor(principal);
  return grant ? [grant] : [];
}

/** Roles whose access is given by grants (the roles a grant may name). */
export function grantableRoles(): Role[] {
  return (Object.keys(ROLE_SCOPE) as Role[]).filter((role) => ROLE_SCOPE[role] === 'granted');
}

/** The visibility-query clause that restricts a listing to the principal's scope ('' for national roles). */
export function scopeClause(principal: Principal): string {
  const grant = grantFor(principal);
  if (grant === undefined) return '';
  // Parties are checked codes; refuse anything else rather than quote it into a query.
  if (!isValidParty(grant.party)) throw new Error('the caller has no valid party code');
  return ` AND ${SearchAttributes.accessGrants.name} = '${grantKey(grant)}'`;
}
