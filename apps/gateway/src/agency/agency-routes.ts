import { AGENCY_COMMAND_TYPES, ROLES, type Role } from '../../../../libs/contracts/src/index.js';
import { operationsOf, type Operation } from '../../../../libs/access/src/index.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** One HTTP route of one role's gateway. */
export interface AgencyRoute {
  readonly role: Role;
  readonly operation: Operation;
  readonly method: HttpMethod;
  /** Express path relative to the server root, e.g. `/police/cases/:caseRef/request-permit-renewal`. */
  readonly path: string;
}

/** `requestPermitRenewal` → `request-permit-renewal`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
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

/** The route table: one route per role and operation the access matrix allows, nothing else. */
export function agencyRoutes(roles: readonly Role[] = ROLES): AgencyRoute[] {
  return roles.flatMap((role) =>
    operationsOf(role).map((operation) => {
      const { method, path } = routeOf(operation);
      return { role, operation, method, path: `/${role}/${path}` };
    }),
  );
}

export function isAct(operation: Operation): operation is (typeof AGENCY_COMMAND_TYPES)[number] {
  return (AGENCY_COMMAND_TYPES as readonly string[]).includes(operation);
}
