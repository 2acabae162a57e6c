import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Kafka, Producer } from 'kafkajs';
import {
  ACCESS_LOG_TOPIC,
  ACCESS_RECORD_TYPE,
  type AccessRecord,
  type Principal,
} from '../../../../libs/contracts/src/index.js';
import { isCaseRef } from '../../../../libs/domain/src/index.js';
import { agencyRoutes } from '../agency/agency-routes.js';
import { KAFKA } from '../tokens.js';

const OPERATION_BY_ROUTE = new Map<string, string>(
  agencyRoutes().map((route) => [`${route.method} ${route.path}`, route.operation]),
);

/**
 * Records every request to an agency gateway, allowed or denied, on the access-log topic (architecture:
 * "every access, allowed or denied, is audited"). Publishing never delays or fails the answer: a record
 * that cannot be sent is reported in the log (without its content) and dropped.
 */
@Injectable()
export class AccessLogService implements OnApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  /** Express middleware: records the request once its answer has been sent. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      const operation = route ? OPERATION_BY_ROUTE.get(`${request.method} ${route}`) : undefined;
      if (route === undefined || operation === undefined) return; // health, docs, unknown paths
      const principal = (request as Request & { principal?: Principal }).principal;
      const caseRef = request.params['caseRef'];
      const status = response.statusCode;
      this.record({
        type: ACCESS_RECORD_TYPE,
        id: randomUUID(),
        time: new Date().toISOString(),
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
        ...(principal ? { role: principal.role, org: principal.org, sub: principal.sub } : {}),
        operation,
        method: request.method,
        route,
        ...(typeof caseRef === 'string' && isCaseRef(caseRef) ? { caseRef } : {}),
      });
    });
    next();
  };

  record(entry: AccessRecord): void {
    const sent = this.send(entry)
      .catch((error: unknown) => {
        this.logger.warn(`access record not published: ${error instanceof Error ? error.name : 'error'}`);
      })
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  private async send(entry: AccessRecord): Promise<void> {
    // A failed connect is forgotten, so the next record tries again instead of failing forever.
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.producer.send({
      topic: ACCESS_LOG_TOPIC,
      acks: -1,
      messages: [{ key: entry.caseRef ?? entry.sub ?? 'anonymous', value: JSON.stringify(entry) }],
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
  }
}
