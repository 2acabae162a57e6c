import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Params } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { REQUEST_ID_PATTERN } from '../../../../libs/contracts/src/index.js';
import { createLogger } from '../../../../libs/observability/src/index.js';
import { requestFacts } from './request-facts.js';
import { TRACE_ID_LOCAL } from './request-trace.js';

/** The gateway's pino logger for its configuration. */
export function gatewayLogger(config: GatewayConfig): Logger {
  return createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
}

/** Liveness and readiness probes: logged at debug, so that a probe every few seconds does not drown the log. */
const PROBES = new Set(['/health', '/health/ready']);

/**
 * The gateway's logging (nestjs-pino over pino-http): Nest's own lines and one line per HTTP request with its
 * method, route template, status, duration, role, organisation and case ref, under the request id the
 * client sees (`X-Request-Id`), and the trace id of its span. Never a body, a token, a header or a query string: the request is reduced to
 * its method, and everything else comes from `requestFacts` once the answer is known.
 */
export function requestLogParams(config: GatewayConfig, logger?: Logger): Params {
  return {
    pinoHttp: {
      logger: logger ?? gatewayLogger(config),
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const given = response.getHeader('x-request-id') ?? request.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
      },
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
      serializers: {
        req: (request: { method?: unknown }) => ({ method: request.method }),
        res: (response: { statusCode?: unknown }) => ({ status: response.statusCode }),
      },
      // Only once answered (the route, the caller and the case are known then); nothing at the start.
      customProps: (request: IncomingMessage, response: ServerResponse) => {
        if (!response.headersSent) return {};
        const traceId: unknown = (response as Response).locals[TRACE_ID_LOCAL];
        return {
          ...requestFacts(request as Request, response as Response),
          ...(typeof traceId === 'string' ? { traceId } : {}),
        };
      },
      // Probes at debug, whatever they answer (not-ready while a dependency is away is their job).
      customLogLevel: (request: IncomingMessage, response: ServerResponse, error?: Error) =>
        PROBES.has((request.url ?? '').split('?')[0] ?? '')
          ? 'debug'
          : error !== undefined || response.statusCode >= 500
            ? 'error'
            : 'info',
      // A 5xx answer is the line itself (Nest logs real exceptions with their stack): no synthetic error.
      customErrorObject: (
        _request: IncomingMessage,
        _response: ServerResponse,
        _error: Error,
        value: object,
      ) => {
        return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'err'));
      },
      customSuccessMessage: (request: IncomingMessage, response: ServerResponse) =>
        `${request.method ?? ''} ${requestFacts(request as Request, response as Response).route} ${response.statusCode}`,
      customErrorMessage: (request: IncomingMessage, response: ServerResponse) =>
        `${request.method ?? ''} ${requestFacts(request as Request, response as Response).route} ${response.statusCode}`,
    },
  };
}
