import {
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { mayPerform } from '../../../../libs/access/src/index.js';
import { AuthenticationError, KeySetUnavailableError } from '../../../../libs/auth/src/index.js';
import { deadlineCalendarQuerySchema, type Principal } from '../../../../libs/contracts/src/index.js';
import { CalendarFeedStore } from '../calendar/calendar-feed.store.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { agencyRoute, rememberRoute, type RouteKind } from '../http/agency-routes.js';
import { TOKEN_VERIFIER } from '../tokens.js';
import { AccessLogService } from './access-log.service.js';
import { SpanKind, inSpan } from '../../../../libs/observability/src/index.js';

/** Handler metadata: which kind of agency route the handler serves (`/:role/cases/:caseRef/:act` is 'act'). */
export const ROUTE_KIND = 'victim-pathway:route-kind';
/** Route metadata: any authenticated caller, whatever the role (the agency directory). */
export const ROUTE_AUTHENTICATED = 'victim-pathway:authenticated';

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Principal>;
}

/** The authenticated caller, set on the request by the guard. */
export type AuthenticatedRequest = Request & { principal: Principal };

/**
 * Every agency route: resolve `/:role/…` to a route of the route table (404 for an unknown role or act, as
 * for any unknown path), authenticate the bearer token (401), then authorise by role — the caller's role
 * must be the gateway's role and the matrix must allow the operation (403). The object scope is checked by
 * the service against the case's grants (404, indistinguishable from an unknown case).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(CalendarFeedStore) private readonly feeds: CalendarFeedStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.get<RouteKind | undefined>(ROUTE_KIND, context.getHandler());
    if (kind === undefined) {
      if (this.reflector.get<boolean | undefined>(ROUTE_AUTHENTICATED, context.getHandler()) === true) {
        await this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
      }
      return true; // health and docs need no token
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const access = agencyRoute(request.params['role'], kind, request.params['act']);
    if (access === undefined) {
      throw new NotFoundException({ code: 'NOT_FOUND', detail: 'No such resource.' });
    }
    rememberRoute(context.switchToHttp().getResponse<Response>(), access);
    // Nothing is done for a request whose access record could not be kept (503, before any other answer). The
    // check (a database round trip) and the token's verification run side by side: an act's time (issue 14).
    const [writable, authenticated] = await Promise.allSettled([
      inSpan('access-log check', { kind: SpanKind.INTERNAL }, () =>
        this.accessLog.assertWritable(request.method !== 'GET'),
      ),
      access.operation === 'deadlineCalendar'
        ? this.authenticateFeed(request, access.role)
        : this.authenticate(request),
    ]);
    if (writable.status === 'rejected') throw writable.reason;
    if (authenticated.status === 'rejected') throw authenticated.reason;
    const principal = authenticated.value;
    if (principal.role !== access.role) {
      throw new ForbiddenException({
        code: 'WRONG_ROLE',
        detail: `This is the ${access.role} gateway; your token's role is ${principal.role}.`,
      });
    }
    if (!mayPerform(principal.role, access.operation)) {
      throw new ForbiddenException({
        code: 'OPERATION_NOT_PERMITTED',
        detail: `The ${principal.role} role may not ${access.operation}.`,
      });
    }
    return true;
  }

  /**
   * A calendar feed's principal (ADR 0020): calendar clients send no bearer header, so the feed's own secret
   * (`?token=`) names it — 400 when it is missing or malformed, 404 FEED_NOT_FOUND when it is unknown,
   * revoked or another gateway's. Set on the request for the access log (never the secret).
   */
  private async authenticateFeed(request: AuthenticatedRequest, role: Principal['role']): Promise<Principal> {
    const { token } = parseOrThrow(deadlineCalendarQuerySchema, request.query);
    const principal = await inSpan('authenticate feed', { kind: SpanKind.INTERNAL }, () =>
      this.feeds.principalOf(token, role),
    );
    request.principal = principal;
    return principal;
  }

  /** The bearer token's principal (401 / 503 otherwise), set on the request for the access log. */
  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    let principal: Principal;
    try {
      principal = await inSpan('authenticate', { kind: SpanKind.INTERNAL }, () =>
        this.verifier.verify(request.headers.authorization),
      );
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new UnauthorizedException({ code: error.code, detail: error.detail });
      }
      if (error instanceof KeySetUnavailableError) {
        throw new ServiceUnavailableException({
          code: 'KEYS_UNAVAILABLE',
          detail: 'The token issuer’s keys cannot be fetched right now; try again.',
        });
      }
      throw error;
    }
    // Known from here on, so that the access log names who was refused.
    request.principal = principal;
    return principal;
  }
}
