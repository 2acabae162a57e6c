import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { pathwayTracer } from '../../../../libs/observability/src/index.js';
import { requestFacts } from './request-facts.js';

/** Where the request's trace id is kept for the request log line (`traceId`). */
export const TRACE_ID_LOCAL = 'traceId';

/**
 * Express middleware, first of all: one server span per request, continuing the caller's `traceparent` when
 * it sends one, active while the request is handled, so the Temporal client's spans (and through them the
 * workflow, the activity and the Kafka send) are its children. Named by the route template once answered;
 * its attributes are what the request log says (route, status, role, organisation, case ref): never a body,
 * a header value, a token or a query string.
 */
export function requestTrace(request: Request, response: Response, next: NextFunction): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = pathwayTracer().startSpan(
    request.method,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.scheme': 'http' } },
    parent,
  );
  const { traceId } = span.spanContext();
  if (trace.isSpanContextValid(span.spanContext())) response.locals[TRACE_ID_LOCAL] = traceId;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    const facts = requestFacts(request, response);
    span.updateName(`${request.method} ${facts.route}`);
    span.setAttributes({
      'http.route': facts.route,
      'http.response.status_code': response.statusCode,
      ...(facts.operation ? { 'pathway.operation': facts.operation } : {}),
      ...(facts.role ? { 'pathway.role': facts.role } : {}),
      ...(facts.org ? { 'pathway.org': facts.org } : {}),
      ...(facts.caseRef ? { 'pathway.case_ref': facts.caseRef } : {}),
    });
    if (response.statusCode >= 500 || !response.writableFinished)
      span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  response.once('finish', end);
  response.once('close', end);
  context.with(trace.setSpan(parent, span), next);
}
