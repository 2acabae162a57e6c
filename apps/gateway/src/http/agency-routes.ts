import { AGENCY_COMMAND_TYPES, ROLES, kebab, type Role } from '../../../../libs/contracts/src/index.js';
import { OPERATIONS, mayPerform, type Operation } from '../../../../libs/access/src/index.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One HTTP route of one role's gateway. */
export interface AgencyRoute {
  readonly role: Role;
  readonly operation: Operation;
  readonly method: HttpMethod;
  /** Express path relative to the server root, e.g. `/police/cases/:caseRef/request-permit-renewal`. */
  readonly path: string;
  /** Whether the access matrix lets the role perform it (others answer 403 and are not documented). */
  readonly permitted: boolean;
}

function routeOf(operation: Operation): { method: HttpMethod; path: string } {
  switch (operation) {
    case 'openCase':
      return { method: 'POST', path: 'cases' };
    case 'viewCase':
      return { method: 'GET', path: 'cases/:caseRef' };
    case 'listCases':
      return { method: 'GET', path: 'cases' };
    case 'listDeadlines':
      return { method: 'GET', path: 'deadlines' };
    case 'grantAccess':
      return { method: 'POST', path: 'cases/:caseRef/access-grants' };
    case 'revokeAccess':
      return { method: 'DELETE', path: 'cases/:caseRef/access-grants/:grantRole/:party' };
    default:
      return { method: 'POST', path: `cases/:caseRef/${kebab(operation)}` };
  }
}

/**
 * The route table: every operation under every role's gateway. A route the matrix does not allow answers
 * 403 OPERATION_NOT_PERMITTED (so a caller learns it is a permission, not a typo) and is left out of the
 * OpenAPI document.
 */
export function agencyRoutes(roles: readonly Role[] = ROLES): AgencyRoute[] {
  return roles.flatMap((role) =>
    OPERATIONS.map((operation) => {
      const { method, path } = routeOf(operation);
      return { role, operation, method, path: `/${role}/${path}`, permitted: mayPerform(role, operation) };
    }),
  );
}

export function isAct(operation: Operation): operation is (typeof AGENCY_COMMAND_TYPES)[number] {
  return (AGENCY_COMMAND_TYPES as readonly string[]).includes(operation);
}
