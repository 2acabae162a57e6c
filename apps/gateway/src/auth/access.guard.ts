import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mayPerform, type Operation } from '../../../../libs/access/src/index.js';
import { AuthenticationError, KeySetUnavailableError } from '../../../../libs/auth/src/index.js';
import type { Principal, Role } from '../../../../libs/contracts/src/index.js';
import { TOKEN_VERIFIER } from '../tokens.js';
import { AccessLogService } from './access-log.service.js';

/** Route metadata: which role's gateway this is and which operation of the matrix the route performs. */
export interface RouteAccess {
  readonly role: Role;
  readonly operation: Operation;
}
export const ROUTE_ACCESS = 'victim-pathway:route-access';
/** Route metadata: any authenticated caller, whatever the role (the agency directory). */
export const ROUTE_AUTHENTICATED = 'victim-pathway:authenticated';

export interface TokenVerifier {
  verify(authorization: string | undefined): Promise<Principal>;
}

/** The authenticated caller, set on the request by the guard. */
export type AuthenticatedRequest = Request & { principal: Principal };

/**
 * Every agency route: authenticate the bearer token (401), then authorise by role — the caller's role must
 * be the gateway's role and the matrix must allow the operation (403). The object scope is checked by the
 * service against the case's grants (404, indistinguishable from an unknown case).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, context.getHandler());
    if (access === undefined) {
      if (this.reflector.get<boolean | undefined>(ROUTE_AUTHENTICATED, context.getHandler()) === true) {
        await this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
      }
      return true; // health and docs need no token
    }
    // Nothing is done for a request whose access record could not be kept.
    await this.accessLog.assertWritable(context.switchToHttp().getRequest<Request>().method !== 'GET');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
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

  /** The bearer token's principal (401 / 503 otherwise), set on the request for the access log. */
  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    let principal: Principal;
    try {
      principal = await this.verifier.verify(request.headers.authorization);
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
