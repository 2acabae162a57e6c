import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';

/** Stable machine codes per HTTP status when the thrower gave none. */
const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'UNPROCESSABLE',
  503: 'UNAVAILABLE',
};

/**
 * Every error leaves as RFC 9457 problem+json with a stable `code`. Unexpected errors are logged by
 * class name only and answered with a generic 500: their messages could carry case data.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: Record<string, unknown> = { code: 'INTERNAL', detail: 'An unexpected error occurred.' };
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const raw = exception.getResponse();
      const given = typeof raw === 'object' ? (raw as Record<string, unknown>) : { detail: raw };
      body = {
        code: typeof given['code'] === 'string' ? given['code'] : (DEFAULT_CODES[status] ?? `HTTP_${status}`),
        detail: typeof given['detail'] === 'string' ? given['detail'] : exception.message,
        ...(given['errors'] !== undefined ? { errors: given['errors'] } : {}),
      };
    } else {
      this.logger.error(`unhandled ${exception instanceof Error ? exception.name : typeof exception}`);
    }
    response.locals['problemCode'] = body['code'];
    // RFC 6750: a 401 names the scheme (and, for a bad token, the error) so clients know to re-authenticate.
    if (status === 401) {
      const error = body['code'] === 'TOKEN_MISSING' ? '' : ', error="invalid_token"';
      response.setHeader('WWW-Authenticate', `Bearer realm="victim-pathway"${error}`);
    }
    response
      .status(status)
      .type('application/problem+json')
      .json({
        type: `urn:problem:victim-pathway:${String(body['code']).toLowerCase()}`,
        title: String(HttpStatus[status]),
        status,
        instance: request.originalUrl,
        ...body,
      });
  }
}
