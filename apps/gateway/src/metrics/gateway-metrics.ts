import { Controller, Get, Inject, Injectable, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CaseViews } from '../agency/case-views.js';
import { AccessLogService } from '../auth/access-log.service.js';
import { ReadModelProjector } from '../read-model/read-model.projector.js';
import { requestFacts } from '../http/request-facts.js';

/**
 * The gateway's Prometheus metrics (a registry of its own per app): requests by route template and status,
 * authentication failures by problem code, the access-log backlog, and Node's process metrics. Route
 * templates keep the label set small; nothing about a caller or a case is a label.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Histogram<'method' | 'route' | 'status'>;
  private readonly authenticationFailures: Counter<'code'>;

  constructor(
    @Inject(AccessLogService) accessLog: AccessLogService,
    @Inject(ReadModelProjector) projector: ReadModelProjector,
    @Inject(CaseViews) views: CaseViews,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    this.requests = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status: count and duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.authenticationFailures = new Counter({
      name: 'gateway_authentication_failures_total',
      help: 'Requests refused 401 (no, malformed, expired or foreign token), by problem code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'gateway_access_log_backlog',
      help: 'Access records stored but not yet published to Kafka (the outbox)',
      registers: [this.registry],
      async collect() {
        // The database out of reach: keep the last value (readiness reports the database itself).
        const backlog = await accessLog.backlog().catch(() => undefined);
        if (backlog !== undefined) this.set(backlog);
      },
    });
    // The read model (issue 14): how long an event takes from the broker to the caseload listings, and how
    // many the projection has still to read.
    const lag = new Histogram({
      name: 'gateway_read_model_lag_seconds',
      help: 'From an audit event reaching the broker to its projection into the read model',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    projector.observeDelays((seconds) => {
      lag.observe(seconds);
    });
    // ADR 0023: case views answered from the stored view (its version current) or by the workflow (a query).
    const viewReads = new Counter({
      name: 'gateway_case_view_reads_total',
      help: 'Case views read, by source: the stored view whose version is current, or the workflow (a query)',
      labelNames: ['source'],
      registers: [this.registry],
    });
    views.observe((source) => {
      viewReads.inc({ source });
    });
    new Gauge({
      name: 'gateway_read_model_lag_events',
      help: 'Audit events the read model projection has not read yet (all partitions)',
      registers: [this.registry],
      async collect() {
        const { lagEvents } = await projector.progress();
        if (lagEvents !== undefined) this.set(lagEvents);
      },
    });
  }

  /** Express middleware: times every request and counts it once answered. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.requests.startTimer();
    response.once('finish', () => {
      const status = response.statusCode;
      stop({ method: request.method, route: requestFacts(request, response).route, status: String(status) });
      if (status === 401) {
        const code: unknown = response.locals['problemCode'];
        this.authenticationFailures.inc({ code: typeof code === 'string' ? code : 'unknown' });
      }
    });
    next();
  };
}

/** `GET /metrics` in Prometheus's text format (for a scraper on the operators' network; no token). */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(GatewayMetrics) private readonly metrics: GatewayMetrics) {}

  @Get('metrics')
  async scrape(@Res() response: Response): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
