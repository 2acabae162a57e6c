import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './problem-details.filter.js';

/** The methods this API answers at all (PATCH: the person record); anything else (TRACE, PUT, CONNECT …) is 405. */
const SERVED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS']);

export interface KnownRoute {
  readonly method: string;
  /** An Express path with `:param` segments, e.g. `/cmm/cases/:caseRef`; a trailing `/*` takes any subpath. */
  readonly path: string;
}

function patternOf(path: string): RegExp {
  const prefix = path.endsWith('/*');
  const escaped = (prefix ? path.slice(0, -2) : path)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/:[A-Za-z]+/g, '[^/]+');
  return new RegExp(`^${escaped}${prefix ? '(/.*)?' : '/?'}$`);
}

function firstSegmentOf(path: string): string {
  return path.split('/', 2)[1] ?? '';
}

/**
 * Express middleware: a method the API does not serve, or one that a known path does not take, answers
 * `405 METHOD_NOT_ALLOWED` with `Allow` (instead of 404, which would say the path does not exist).
 */
export function methodNotAllowed(routes: readonly KnownRoute[]) {
  // By the path's first segment (its role, for the agency routes): a request is tried against its own few
  // dozen routes, not all of them (about 700).
  const byFirst = new Map<string, { method: string; pattern: RegExp }[]>();
  const anyFirst: { method: string; pattern: RegExp }[] = [];
  for (const route of routes) {
    const first = firstSegmentOf(route.path);
    const entry = { method: route.method, pattern: patternOf(route.path) };
    if (first.startsWith(':')) anyFirst.push(entry);
    else byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
  }
  return (request: Request, response: Response, next: NextFunction): void => {
    const path = request.path;
    const candidates = [...(byFirst.get(firstSegmentOf(path)) ?? []), ...anyFirst];
    const allowed = new Set(candidates.filter((p) => p.pattern.test(path)).map((p) => p.method));
    if (allowed.has('GET')) allowed.add('HEAD');
    const method = request.method.toUpperCase();
    if (SERVED_METHODS.has(method) && (allowed.size === 0 || allowed.has(method) || method === 'OPTIONS')) {
      next();
      return;
    }
    if (allowed.size > 0) response.setHeader('Allow', [...allowed].sort().join(', '));
    sendProblem(response, HttpStatus.METHOD_NOT_ALLOWED, {
      code: 'METHOD_NOT_ALLOWED',
      detail:
        allowed.size > 0
          ? `This resource takes ${[...allowed].sort().join(', ')}.`
          : 'This API does not serve this method.',
    });
  };
}

/**
 * An act, a referral and a grant are JSON objects: a body in another media type is `415` (a form post is
 * never applied), and no body at all is `400 BODY_REQUIRED` (`{}` for an act that takes no fields).
 */
export function requireJsonBody(request: Request): void {
  if (request.body !== undefined) return;
  const type = request.headers['content-type'];
  if (type !== undefined && !request.is('application/json')) {
    throw new HttpException(
      { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The body must be application/json.' },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
  throw new BadRequestException({
    code: 'BODY_REQUIRED',
    detail: 'A JSON object body is required (send {} when the act takes no fields).',
  });
}
