import type { Request, Response } from 'express';
import type { Operation } from '../../../../libs/access/src/index.js';
import type { Principal, Role } from '../../../../libs/contracts/src/index.js';
import { isCaseRef } from '../../../../libs/domain/src/index.js';
import { resolvedRouteOf } from './agency-routes.js';

/**
 * What may be said about a request once it is answered — for the access log and the request log alike:
 * the route template (never the literal path or its query string), the operation, who called (role,
 * organisation, subject id) and the case. Never a body, a token or a query value.
 */
export interface RequestFacts {
  /** The route template, e.g. `/police/cases/:caseRef/request-permit-renewal`; `unmatched` for no route. */
  readonly route: string;
  readonly operation?: Operation;
  readonly role?: Role;
  readonly org?: string;
  readonly sub?: string;
  readonly caseRef?: string;
}

export function requestFacts(request: Request, response: Response): RequestFacts {
  const resolved = resolvedRouteOf(response);
  const principal = (request as Request & { principal?: Principal }).principal;
  const param: unknown = (request.params as Record<string, unknown> | undefined)?.['caseRef'];
  const opened: unknown = response.locals['caseRef'];
  const caseRef = isCaseRef(param) ? param : isCaseRef(opened) ? opened : undefined;
  const expressRoute: unknown = (request as { route?: { path?: unknown } }).route?.path;
  return {
    route: resolved?.path ?? (typeof expressRoute === 'string' ? expressRoute : 'unmatched'),
    ...(resolved ? { operation: resolved.operation } : {}),
    ...(principal ? { role: principal.role, org: principal.org, sub: principal.sub } : {}),
    ...(caseRef ? { caseRef } : {}),
  };
}
