import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { agencyRoutes } from './agency-routes.js';
import { methodNotAllowed } from './http-edges.js';

/** What the middleware did with one request: passed it on, or answered it (405 and its Allow). */
function tried(path: string, method: string): { passed: boolean; status?: number; allow?: string } {
  const middleware = methodNotAllowed([
    ...agencyRoutes(),
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/docs/*' },
  ]);
  const headers = new Map<string, string>();
  let status: number | undefined;
  const response = {
    locals: {},
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    status: (code: number) => {
      status = code;
      return response;
    },
    type: () => response,
    json: () => response,
    send: () => response,
    end: () => response,
  } as unknown as Response;
  let passed = false;
  const next: NextFunction = () => {
    passed = true;
  };
  middleware({ path, method } as Request, response, next);
  return {
    passed,
    ...(status === undefined ? {} : { status }),
    ...(headers.has('allow') ? { allow: headers.get('allow') } : {}),
  };
}

describe('methodNotAllowed: the routes of the path’s own first segment', () => {
  it('passes a method a known path takes, and any method of a path it does not know (404 later)', () => {
    expect(tried('/cmm/cases', 'POST').passed).toBe(true);
    expect(tried('/cmm/cases/VP-abc', 'GET').passed).toBe(true);
    expect(tried('/cmm/cases/VP-abc', 'HEAD').passed).toBe(true);
    expect(tried('/nowhere/at/all', 'DELETE').passed).toBe(true);
    expect(tried('/docs/openapi.json', 'GET').passed).toBe(true);
  });

  it('answers 405 with Allow for a method the path does not take, or one the API never serves', () => {
    expect(tried('/cmm/cases', 'PUT')).toEqual({ passed: false, status: 405, allow: 'GET, HEAD, POST' });
    expect(tried('/health', 'POST')).toEqual({ passed: false, status: 405, allow: 'GET, HEAD' });
    expect(tried('/docs/openapi.json', 'DELETE')).toMatchObject({ passed: false, status: 405 });
    expect(tried('/nowhere', 'TRACE')).toEqual({ passed: false, status: 405 });
  });
});
