import { randomUUID } from 'node:crypto';
import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { REFUSAL_TITLES } from '../../../../libs/domain/src/index.js';

/** Stable machine codes per HTTP status when the thrower gave none. */
const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  503: 'UNAVAILABLE',
};

/**
 * What a caller is told when the thrower's own message could repeat the request (a JSON parser quotes the
 * text it choked on): a fixed sentence per status instead.
 */
const DEFAULT_DETAILS: Record<number, string> = {
  400: 'The request is malformed (for example, the body is not valid JSON).',
  404: 'No such resource.',
  405: 'This method is not allowed here.',
  413: 'The body is larger than this API accepts (64 kB).',
  415: 'The body must be application/json.',
};

/** Titles of the gateway's own codes; domain refusals take theirs from `REFUSAL_TITLES`. */
const GATEWAY_TITLES: Record<string, string> = {
  VALIDATION_FAILED: 'Request does not match the contract',
  CASE_NOT_FOUND: 'Case not found',
  GRANT_NOT_FOUND: 'Grant not found',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key reused for another request',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  KEYS_UNAVAILABLE: 'Token keys unavailable',
  TOKEN_MISSING: 'Bearer token missing',
  TOKEN_MALFORMED: 'Bearer token malformed',
  TOKEN_EXPIRED: 'Bearer token expired',
  TOKEN_INVALID: 'Bearer token invalid',
  CLAIMS_INVALID: 'Token claims invalid',
  WRONG_ROLE: 'Wrong gateway for your role',
  OPERATION_NOT_PERMITTED: 'Operation not permitted for your role',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  BODY_REQUIRED: 'JSON body required',
};

/** Errors of Express's body parser that reach the filter untranslated (they carry an HTTP status). */
function bodyParserStatus(exception: unknown): number | undefined {
  const { type, status } = (exception ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.too.large') return 413;
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 415;
  if (type.startsWith('entity.') || type.startsWith('request.')) return 400;
  return undefined;
}

function titleOf(code: string, status: number): string {
  const titles: Readonly<Record<string, string | undefined>> = { ...REFUSAL_TITLES, ...GATEWAY_TITLES };
  const statusName: string | undefined = HttpStatus[status];
  return (
    titles[code] ??
    (statusName ?? 'Error')
      .toLowerCase()
      .replace(/_/g, ' ')
      .replace(/^./, (c) => c.toUpperCase())
  );
}

/**
 * Every error leaves as RFC 9457 problem+json with a stable `code`, a readable `title`, and — for a domain
 * refusal — its `rule` and `details`. Nothing of the request is echoed: `instance` is a fresh id of this
 * occurrence (not the URL, whose query could hold a token), and a message that could quote the body is
 * replaced by a fixed sentence. Unexpected errors are logged by class name only and answered with a generic
 * 500: their messages could carry case data. A 503 says when to retry.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: Record<string, unknown> = { code: 'INTERNAL', detail: 'An unexpected error occurred.' };
    let retryAfter: number | undefined;
    const parserStatus = bodyParserStatus(exception);
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const raw = exception.getResponse();
      const given = typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      const ours = typeof given['code'] === 'string';
      body = {
        code: ours ? given['code'] : (DEFAULT_CODES[status] ?? `HTTP_${status}`),
        detail:
          ours && typeof given['detail'] === 'string'
            ? given['detail']
            : (DEFAULT_DETAILS[status] ?? titleOf(DEFAULT_CODES[status] ?? '', status)),
        ...(ours && typeof given['rule'] === 'string' ? { rule: given['rule'] } : {}),
        ...(ours && given['details'] !== undefined ? { details: given['details'] } : {}),
        ...(ours && given['errors'] !== undefined ? { errors: given['errors'] } : {}),
      };
      if (typeof given['retryAfterSeconds'] === 'number') retryAfter = given['retryAfterSeconds'];
    } else if (parserStatus !== undefined) {
      status = parserStatus;
      body = { code: DEFAULT_CODES[status], detail: DEFAULT_DETAILS[status] };
    } else {
      this.logger.error(`unhandled ${exception instanceof Error ? exception.name : typeof exception}`);
    }
    sendProblem(response, status, body, retryAfter);
  }
}

/** Writes an RFC 9457 answer: `body` holds `code`, `detail` and optionally `rule`, `details`, `errors`. */
export function sendProblem(
  response: Response,
  status: number,
  body: Record<string, unknown>,
  retryAfterSeconds?: number,
): void {
  const code = String(body['code']);
  response.locals['problemCode'] = code;
  // RFC 6750: a 401 names the scheme (and, for a bad token, the error) so clients know to re-authenticate.
  if (status === 401) {
    const error = code === 'TOKEN_MISSING' ? '' : ', error="invalid_token"';
    response.setHeader('WWW-Authenticate', `Bearer realm="victim-pathway"${error}`);
  }
  if (status === 503) response.setHeader('Retry-After', String(retryAfterSeconds ?? 5));
  response
    .status(status)
    .type('application/problem+json')
    .json({
      type: `urn:problem:victim-pathway:${code.toLowerCase()}`,
      title: titleOf(code, status),
      status,
      instance: `urn:uuid:${randomUUID()}`,
      ...body,
    });
}
