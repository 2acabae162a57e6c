import { randomUUID } from 'node:crypto';
import { PERSON_SECTIONS_LOCAL, type PersonSectionName } from '../http/person-sections.js';
import {
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from '../../../../libs/database/src/index.js';
import {
  ACCESS_LOG_SOURCE,
  ACCESS_LOG_TOPIC,
  ACCESS_RECORD_TYPE,
  REQUEST_ID_PATTERN,
  type AccessRecord,
} from '../../../../libs/contracts/src/index.js';
import { EVENT_PUBLISHER, type EventPublisher } from '../../../../libs/messaging/src/index.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { resolvedRouteOf } from '../http/agency-routes.js';
import { requestFacts } from '../http/request-facts.js';
import { DATABASE } from '../tokens.js';
import { SpanKind, inSpan } from '../../../../libs/observability/src/index.js';

const UNAVAILABLE = {
  code: 'ACCESS_LOG_UNAVAILABLE',
  detail:
    'The access record of this request could not be stored, so the answer is withheld. Try again later; an act may have been applied: retry it with the same Idempotency-Key to get its answer.',
};

/**
 * The access log keeps its promise (ADR 0007): every request to an agency gateway, allowed or denied, leaves
 * a record, and the record is durable (committed to PostgreSQL) before the answer leaves the gateway. If it
 * cannot be stored, the caller gets 503 instead of the answer: nothing is disclosed unrecorded. A relay
 * then publishes the stored records to Kafka (`pathway.access-log.v1`, CloudEvents) and deletes them once
 * the broker holds them: at least once, each record with its own id, whatever the broker's state.
 */
@Injectable()
export class AccessLogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  private readonly relay: OutboxRelay<{ seq: string; record: AccessRecord }>;
  /** False after a failed write, until the database answers again: new requests are refused early. */
  private writable = true;

  constructor(
    @Inject(DATABASE) private readonly pool: Pool,
    @Inject(EVENT_PUBLISHER) publisher: EventPublisher,
  ) {
    this.relay = new OutboxRelay(
      pool,
      publisher,
      {
        what: 'access records',
        select: 'select seq, record from access_log_outbox order by seq limit $1 for update skip locked',
        delete: 'delete from access_log_outbox where seq = any($1::bigint[])',
        deliveries: ({ record }) => [
          { topic: ACCESS_LOG_TOPIC, event: record, key: record.data.sub ?? record.data.requestId },
        ],
      },
      this.logger,
    );
  }

  /**
   * Express middleware: holds the answer of every agency route until its access record is stored. The
   * request id (the client's `X-Request-Id`, else a fresh one) is echoed in the answer and recorded.
   */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    const end = response.end.bind(response) as (...args: unknown[]) => Response;
    let held = false;
    response.end = ((...args: unknown[]) => {
      const record = held ? undefined : this.recordOf(request, response, requestId);
      held = true;
      if (record === undefined) return end(...args);
      this.store(record).then(
        () => end(...args),
        () => {
          this.logger.warn('an access record could not be stored: the answer was replaced by 503');
          withhold(response);
          end(JSON.stringify(unavailableProblem()));
        },
      );
      return response;
    }) as Response['end'];
    next();
  };

  /**
   * For the guard: refuse early (503) when the access log cannot be written, before anything is done. A
   * request that changes a case checks the database first, so that an act is never applied and then
   * answered 503 for want of its record; a read checks only after a failed write (its answer is withheld
   * anyway if its record cannot be stored).
   */
  async assertWritable(changes: boolean): Promise<void> {
    if (this.writable && !changes) return;
    try {
      await this.pool.query('select 1');
      this.writable = true;
    } catch {
      throw new ServiceUnavailableException(UNAVAILABLE);
    }
  }

  /** Records waiting for the relay (the access-log backlog). */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'select count(*)::text as n from access_log_outbox',
    );
    return Number(rows[0]?.n ?? 0);
  }

  private recordOf(request: Request, response: Response, requestId: string): AccessRecord | undefined {
    const resolved = resolvedRouteOf(response);
    if (resolved === undefined) return undefined; // health, docs, unknown paths
    const { operation, path: route } = resolved;
    const { role, org, sub, caseRef } = requestFacts(request, response);
    const status = response.statusCode;
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: ACCESS_LOG_SOURCE,
      type: ACCESS_RECORD_TYPE,
      ...(caseRef ? { subject: caseRef } : {}),
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: {
        requestId,
        outcome:
          status === 401 || status === 403 || status === 404
            ? 'denied'
            : status >= 500
              ? 'failed'
              : 'allowed',
        status,
        ...(typeof response.locals['problemCode'] === 'string'
          ? { code: response.locals['problemCode'] }
          : {}),
        ...(role !== undefined && org !== undefined && sub !== undefined ? { role, org, sub } : {}),
        operation,
        method: request.method,
        route,
        ...(caseRef ? { caseRef } : {}),
        ...(Array.isArray(response.locals[PERSON_SECTIONS_LOCAL])
          ? { personSections: response.locals[PERSON_SECTIONS_LOCAL] as PersonSectionName[] }
          : {}),
      },
    };
  }

  /** Stores a record durably (the relay publishes it). */
  async store(record: AccessRecord): Promise<void> {
    try {
      await inSpan('access-log store', { kind: SpanKind.INTERNAL }, () =>
        this.pool.query('insert into access_log_outbox (id, record) values ($1, $2)', [
          record.id,
          JSON.stringify(record),
        ]),
      );
      this.writable = true;
    } catch (error) {
      this.writable = false;
      throw error;
    }
    this.relay.kick();
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  /** One relay round (tests): publishes the oldest stored records; returns how many. */
  relayOnce(): Promise<number> {
    return this.relay.relayOnce();
  }
}

/** The answer that replaces one whose access record could not be stored (headers not yet sent). */
function withhold(response: Response): void {
  for (const name of response.getHeaderNames()) {
    if (name !== 'x-request-id') response.removeHeader(name);
  }
  response.statusCode = 503;
  response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  response.setHeader('Retry-After', '5');
}

function unavailableProblem(): Record<string, unknown> {
  return {
    type: 'urn:problem:victim-pathway:access_log_unavailable',
    title: 'Access log unavailable',
    status: 503,
    instance: `urn:uuid:${randomUUID()}`,
    ...UNAVAILABLE,
  };
}
