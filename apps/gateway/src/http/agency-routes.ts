import { AGENCY_COMMAND_TYPES, ROLES, kebab, type Role } from '../../../../libs/contracts/src/index.js';
import type { Response } from 'express';
import { OPERATIONS, mayPerform, type Operation } from '../../../../libs/access/src/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

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

function methodAndPath(operation: Operation): { method: HttpMethod; path: string } {
  switch (operation) {
    case 'openCase':
      return { method: 'POST', path: 'cases' };
    case 'viewCase':
      return { method: 'GET', path: 'cases/:caseRef' };
    case 'availableActs':
      return { method: 'GET', path: 'cases/:caseRef/available-acts' };
    case 'listCases':
      return { method: 'GET', path: 'cases' };
    case 'listDeadlines':
      return { method: 'GET', path: 'deadlines' };
    case 'caseloadCounts':
      return { method: 'GET', path: 'caseload' };
    case 'grantAccess':
      return { method: 'POST', path: 'cases/:caseRef/access-grants' };
    case 'revokeAccess':
      return { method: 'DELETE', path: 'cases/:caseRef/access-grants/:grantRole/:party' };
    case 'viewPerson':
      return { method: 'GET', path: 'cases/:caseRef/person' };
    case 'recordPerson':
      return { method: 'PATCH', path: 'cases/:caseRef/person' };
    case 'addCaseNote':
      return { method: 'POST', path: 'cases/:caseRef/person/notes' };
    case 'exportPerson':
      return { method: 'GET', path: 'cases/:caseRef/person/export' };
    case 'erasePerson':
      return { method: 'POST', path: 'cases/:caseRef/person/erasure' };
    // Temporal's codec-server protocol: the UI and the CLI are given `/<role>/codec` and add the rest.
    case 'decodePayloads':
      return { method: 'POST', path: 'codec/decode' };
    case 'encodePayloads':
      return { method: 'POST', path: 'codec/encode' };
    // Calendar feeds (ADR 0020): made, listed and revoked with a bearer token; the feed itself is read with
    // the feed's own token in the query (`?token=…`), which no log ever records.
    case 'createCalendarFeed':
      return { method: 'POST', path: 'calendar-feeds' };
    case 'listCalendarFeeds':
      return { method: 'GET', path: 'calendar-feeds' };
    case 'revokeCalendarFeed':
      return { method: 'DELETE', path: 'calendar-feeds/:feedId' };
    case 'deadlineCalendar':
      return { method: 'GET', path: 'deadlines.ics' };
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
      const { method, path } = methodAndPath(operation);
      return { role, operation, method, path: `/${role}/${path}`, permitted: mayPerform(role, operation) };
    }),
  );
}

export function isAct(operation: Operation): operation is (typeof AGENCY_COMMAND_TYPES)[number] {
  return (AGENCY_COMMAND_TYPES as readonly string[]).includes(operation);
}

/** What one handler of the agency controller serves: one operation, or any act (`/:role/cases/:caseRef/:act`). */
export type RouteKind = Exclude<Operation, (typeof AGENCY_COMMAND_TYPES)[number]> | 'act';

const ROUTE_BY_KEY = new Map<string, AgencyRoute>(
  agencyRoutes().map((route) => [
    `${route.role} ${isAct(route.operation) ? `act ${kebab(route.operation)}` : route.operation}`,
    route,
  ]),
);

/**
 * The route of the table that a request to `/:role/…` is: by the role and the handler's kind, and for an
 * act by its kebab-case name (`request-permit-renewal`). Undefined for an unknown role or act (404).
 */
export function agencyRoute(role: unknown, kind: RouteKind, act?: unknown): AgencyRoute | undefined {
  if (typeof role !== 'string') return undefined;
  if (kind !== 'act') return ROUTE_BY_KEY.get(`${role} ${kind}`);
  return typeof act === 'string' ? ROUTE_BY_KEY.get(`${role} act ${act}`) : undefined;
}

const ROUTE_LOCAL = 'agencyRoute';

/** For the guard: the route this request resolved to, for the handler and the access log. */
export function rememberRoute(response: Response, route: AgencyRoute): void {
  response.locals[ROUTE_LOCAL] = route;
}

/** The agency route the guard resolved for this request (its role, operation and literal path). */
export function routeOf(response: Response): AgencyRoute {
  const route = resolvedRouteOf(response);
  if (route === undefined) throw new Error('no agency route was resolved for this request');
  return route;
}

/** Same, or undefined for a request that is not an agency route (health, docs, unknown paths). */
export function resolvedRouteOf(response: Response): AgencyRoute | undefined {
  return response.locals[ROUTE_LOCAL] as AgencyRoute | undefined;
}
