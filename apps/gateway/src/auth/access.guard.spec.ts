import { ServiceUnavailableException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../../../libs/auth/src/index.js';
import type { Principal } from '../../../../libs/contracts/src/index.js';
import type { CalendarFeedStore } from '../calendar/calendar-feed.store.js';
import { AccessGuard, type TokenVerifier } from './access.guard.js';
import type { AccessLogService } from './access-log.service.js';

/** A promise the test settles. */
function held<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const principal: Principal = { role: 'cmm', org: 'cmm', sub: 'caseworker-1' };

/** The guard on `POST /cmm/cases/:caseRef/record-interview`, with the access log's check and the verifier held. */
function guardOnAnAct() {
  const check = held<undefined>();
  const verification = held<Principal>();
  const calls: string[] = [];
  const reflector = { get: (key: string) => (key === 'victim-pathway:route-kind' ? 'act' : undefined) };
  const verifier: TokenVerifier = {
    verify: () => {
      calls.push('verify');
      return verification.promise;
    },
  };
  const accessLog = {
    assertWritable: () => {
      calls.push('check');
      return check.promise;
    },
  };
  const guard = new AccessGuard(
    reflector as unknown as Reflector,
    verifier,
    accessLog as unknown as AccessLogService,
    {} as CalendarFeedStore,
  );
  const request = {
    method: 'POST',
    params: { role: 'cmm', act: 'record-interview' },
    headers: { authorization: 'Bearer x' },
  };
  const response = { locals: {} };
  const context = {
    getHandler: () => () => undefined,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { guard, context, check, verification, calls };
}

describe('AccessGuard (issue 14: the access-log check and the token side by side)', () => {
  it('verifies the token while the access log’s check is still out, and lets the act through when both pass', async () => {
    const { guard, context, check, verification, calls } = guardOnAnAct();
    const allowed = guard.canActivate(context);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['check', 'verify']);
    verification.resolve(principal);
    check.resolve(undefined);
    await expect(allowed).resolves.toBe(true);
  });

  it('answers 503 for an access log it cannot write, even for a token it refuses (nothing is done)', async () => {
    const { guard, context, check, verification } = guardOnAnAct();
    const allowed = guard.canActivate(context);
    verification.reject(new AuthenticationError('TOKEN_INVALID', 'bad'));
    check.reject(new ServiceUnavailableException({ code: 'ACCESS_LOG_UNAVAILABLE' }));
    await expect(allowed).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('answers 401 for a token it refuses once the access log can be written', async () => {
    const { guard, context, check, verification } = guardOnAnAct();
    const allowed = guard.canActivate(context);
    verification.reject(new AuthenticationError('TOKEN_INVALID', 'bad'));
    check.resolve(undefined);
    await expect(allowed).rejects.toBeInstanceOf(UnauthorizedException);
  });
});
