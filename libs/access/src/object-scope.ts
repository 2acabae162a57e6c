import { z } from 'zod';
import {
  isValidParty,
  SearchAttributeKeys,
  WorkflowTypes,
  grantKey,
  partyOf,
  partySchemaFor,
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

/** A grant's body: a grantable role and its party (an organisation code; a guardian's subject id). */
export const grantBodySchema = z
  .strictObject({
    role: z.enum(grantableRoles() as [Role, ...Role[]], {
      error: `must be one of: ${grantableRoles().join(', ')}`,
    }),
    party: z.string(),
  })
  .superRefine((grant, context) => {
    const party = partySchemaFor(grant.role).safeParse(grant.party);
    for (const issue of party.success ? [] : party.error.issues) {
      context.addIssue({ code: 'custom', path: ['party'], message: issue.message });
    }
  });

/** The visibility-query clause that restricts a listing to the principal's scope ('' for national roles). */
export function scopeClause(principal: Principal): string {
  const grant = grantFor(principal);
  if (grant === undefined) return '';
  // Parties are checked codes; refuse anything else rather than quote it into a query.
  if (!isValidParty(grant.party)) throw new Error('the caller has no valid party code');
  return ` AND ${SearchAttributeKeys.accessGrants.name} = '${grantKey(grant)}'`;
}

/** What a caseload listing asks for, besides the caller's scope. */
export interface CaseListFilter {
  readonly stage?: string;
  /** Only cases whose next deadline is this agency's. */
  readonly responsibleAgency?: string;
  /** Only cases whose next deadline falls at or before this instant. */
  readonly nextDeadlineBefore?: string;
}

const SAFE_VALUE = /^[A-Za-z0-9:._-]+$/;

/**
 * The visibility query of a caseload listing: open pathways in the principal's scope, with the filter's
 * conditions. Values are checked before they are put in the query (stage names, agency ids, instants).
 */
export function caseListQuery(principal: Principal, filter: CaseListFilter = {}): string {
  const clauses = [`WorkflowType = '${WorkflowTypes.victimPathway}'`, `ExecutionStatus = 'Running'`];
  const add = (name: string, operator: '=' | '<=', value: string | undefined): void => {
    if (value === undefined) return;
    if (!SAFE_VALUE.test(value)) throw new Error(`not a value for a visibility query: ${name}`);
    clauses.push(`${name} ${operator} '${value}'`);
  };
  add(SearchAttributeKeys.stage.name, '=', filter.stage);
  add(SearchAttributeKeys.responsibleAgency.name, '=', filter.responsibleAgency);
  add(SearchAttributeKeys.nextDeadline.name, '<=', filter.nextDeadlineBefore);
  return `${clauses.join(' AND ')}${scopeClause(principal)}`;
}
