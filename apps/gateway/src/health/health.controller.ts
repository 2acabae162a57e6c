import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { isDatabaseReachable, type Pool } from '../../../../libs/database/src/index.js';
import { isKafkaReachable } from '../../../../libs/messaging/src/index.js';
import { isWorkerServing } from '../../../../libs/temporal/src/index.js';
import { DATABASE, GATEWAY_CONFIG, KAFKA, TEMPORAL_CLIENT } from '../tokens.js';
import { Drain } from './drain.js';
import { ReadModelProjector } from '../read-model/read-model.projector.js';

type Check = 'up' | 'down';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(DATABASE) private readonly pool: Pool,
    @Inject(Drain) private readonly drain: Drain,
    @Inject(ReadModelProjector) private readonly projector: ReadModelProjector,
  ) {}

  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  /** 200 only when Temporal, Kafka and PostgreSQL are reachable and a worker answers on the task queue. */
  async ready(@Res({ passthrough: true }) response: Response): Promise<{
    status: 'ready' | 'not-ready';
    checks: Record<string, Check>;
    readModel?: { lagEvents?: number; gaps: number };
  }> {
    // Stopping (SIGTERM): not ready at once, so that a load balancer sends nothing new here.
    if (this.drain.draining) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'not-ready', checks: { accepting: 'down' } };
    }
    const [temporal, worker, kafka, database, progress] = await Promise.all([
      this.check(() => this.client.connection.workflowService.getSystemInfo({}).then(() => true)),
      this.check(() => isWorkerServing(this.client, this.config.TEMPORAL_TASK_QUEUE, 2000), 4500),
      this.check(() => isKafkaReachable(this.kafka)),
      this.check(() => isDatabaseReachable(this.pool)),
      withTimeout(this.projector.progress(), 2000).catch(() => undefined),
    ]);
    const checks = { temporal, kafka, worker, database };
    const ready = Object.values(checks).every((c) => c === 'up');
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // A detail, not a condition: a projection behind still answers (the listings are a little older).
    const readModel =
      progress === undefined
        ? undefined
        : {
            ...(progress.lagEvents === undefined ? {} : { lagEvents: progress.lagEvents }),
            gaps: progress.gaps,
          };
    return { status: ready ? 'ready' : 'not-ready', checks, ...(readModel ? { readModel } : {}) };
  }

  private async check(probe: () => Promise<boolean>, ms = 2000): Promise<Check> {
    try {
      return (await withTimeout(probe(), ms)) ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('timeout'));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
