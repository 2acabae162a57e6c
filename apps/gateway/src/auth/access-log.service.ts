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
import { resolvedRouteOf } from '../http/agency-routes.js';
import { requestFacts } from '../http/request-facts.js';
import { DATABASE } from '../tokens.js';

/** Records per relay round, and how long the relay waits between rounds (shorter when kicked). */
const RELAY_BATCH = 500;
const RELAY_IDLE_MS = 1_000;
const RELAY_BACKOFF_MAX_MS = 10_000;

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
  private relaying: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** False after a failed write, until the database answers again: new requests are refused early. */
  private writable = true;

  constructor(
    @Inject(DATABASE) private readonly pool: Pool,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
  ) {}

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
      await this.pool.query('insert into access_log_outbox (id, record) values ($1, $2)', [
        record.id,
        JSON.stringify(record),
      ]);
      this.writable = true;
    } catch (error) {
      this.writable = false;
      throw error;
    }
    this.wake?.();
  }

  onApplicationBootstrap(): void {
    this.relaying = this.relayLoop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.relaying;
    // One last round, so that a clean stop leaves nothing behind when Kafka is up (bounded).
    await Promise.race([this.relayOnce().catch(() => 0), new Promise((r) => setTimeout(r, 5_000))]);
  }

  /** Publishes stored records until stopped; backs off while Kafka or the database is away. */
  private async relayLoop(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      let sent = 0;
      try {
        sent = await this.relayOnce();
        backoff = 0;
      } catch (error) {
        backoff = Math.min(RELAY_BACKOFF_MAX_MS, backoff === 0 ? 250 : backoff * 2);
        this.logger.warn(
          `access records not published yet (${error instanceof Error ? error.name : 'error'}); retrying in ${backoff} ms`,
        );
      }
      if (sent === RELAY_BATCH && backoff === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff || RELAY_IDLE_MS);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          // A kick during a backoff waits for the backoff: no storm against a broker that is down.
          if (backoff === 0) resolve();
          else setTimeout(resolve, backoff);
        };
      });
    }
  }

  /**
   * One round: takes the oldest stored records (skipping those another gateway is relaying), publishes them,
   * and deletes them in the same transaction once the broker holds them. A crash in between leaves them
   * stored: they are published again (same ids).
   */
  async relayOnce(): Promise<number> {
    const client = await this.pool.connect();
    // A connection cut while the client is held must fail the round, not the process.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      await client.query('begin');
      const { rows } = await client.query<{ seq: string; record: AccessRecord }>(
        'select seq, record from access_log_outbox order by seq limit $1 for update skip locked',
        [RELAY_BATCH],
      );
      if (rows.length > 0) {
        await this.publisher.publish(
          rows.map(({ record }) => ({
            topic: ACCESS_LOG_TOPIC,
            event: record,
            key: record.data.sub ?? record.data.requestId,
          })),
        );
        await client.query('delete from access_log_outbox where seq = any($1::bigint[])', [
          rows.map((row) => row.seq),
        ]);
      }
      await client.query('commit');
      return rows.length;
    } catch (error) {
      broken = true;
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      // A client whose round failed may hold a dead connection: the pool discards it.
      client.release(broken);
    }
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
