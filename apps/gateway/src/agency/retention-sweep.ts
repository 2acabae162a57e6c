import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { WorkflowTypes, type Principal } from '../../../../libs/contracts/src/index.js';
import type { Pool } from '../../../../libs/database/src/index.js';
import {
  DENMARK_POLICIES,
  isCaseRef,
  policyByVersion,
  type CaseRef,
  type Policy,
} from '../../../../libs/domain/src/index.js';
import { DATABASE, GATEWAY_CONFIG, TEMPORAL_CLIENT } from '../tokens.js';
import { CaseGatewayService } from './case-gateway.service.js';
import { PersonService } from './person.service.js';

const DAY_MS = 86_400_000;
/** One sweep at a time across every gateway of a deployment. */
const SWEEP_LOCK = 'victim-pathway:person-retention-sweep';

/** Who erases at the end of a retention period: the policy, on CMM's authority (the erasure names it). */
export const RETENTION_PRINCIPAL: Principal = {
  role: 'cmm',
  org: 'retention-policy',
  sub: 'retention-sweep',
};

export interface SweepFigures {
  /** Closed cases old enough for the shortest retention period of any policy. */
  readonly candidates: number;
  readonly erased: number;
  /** Candidates not yet due (their own policy's period runs longer) or holding no data. */
  readonly kept: number;
  /** False when another gateway held the sweep. */
  readonly ran: boolean;
}

/**
 * The end of retention (issue 13, docs/domain.md item 13): a case closed longer ago than its policy's
 * `personData.retentionAfterClosureDays` has the person's data erased by crypto-shredding, with reason
 * `retention-period-ended`, and the agencies are told (`person-erased`). The candidates come from Temporal's
 * visibility (workflows completed before the shortest period of any policy); each is then checked against its
 * own policy and its own `closed.at`. Runs every `PERSON_RETENTION_SWEEP_MINUTES` in one gateway at a time
 * (a PostgreSQL advisory lock); an erasure is idempotent, so a sweep cut short is finished by the next.
 */
@Injectable()
export class RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RetentionSweep');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(DATABASE) private readonly pool: Pool,
    @Inject(CaseGatewayService) private readonly cases: CaseGatewayService,
    @Inject(PersonService) private readonly persons: PersonService,
  ) {}

  /** The policies this deployment's cases run under (as the access matrix's). */
  private readonly policies: readonly Policy[] = DENMARK_POLICIES;

  onApplicationBootstrap(): void {
    const minutes = this.config.PERSON_RETENTION_SWEEP_MINUTES;
    if (minutes === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweepOnce()
        .then((figures) => {
          if (figures.erased > 0) {
            this.logger.log(`retention: erased the person's data of ${figures.erased} closed case(s)`);
          }
        })
        .catch((error: unknown) => {
          this.logger.warn(`retention sweep failed (the next one retries): ${String(error)}`);
        })
        .finally(() => {
          this.running = undefined;
        });
    }, minutes * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep as of `now` (tests pass a later one instead of waiting years). */
  async sweepOnce(now: Date = new Date()): Promise<SweepFigures> {
    const periods = this.policies
      .map((policy) => policy.personData?.retentionAfterClosureDays)
      .filter((days): days is number => days !== undefined);
    if (periods.length === 0) return { candidates: 0, erased: 0, kept: 0, ran: true };
    const lock = await this.pool.connect();
    try {
      const { rows } = await lock.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtext($1)) as locked',
        [SWEEP_LOCK],
      );
      if (rows[0]?.locked !== true) return { candidates: 0, erased: 0, kept: 0, ran: false };
      try {
        return { ...(await this.sweep(now, Math.min(...periods))), ran: true };
      } finally {
        await lock.query('select pg_advisory_unlock(hashtext($1))', [SWEEP_LOCK]);
      }
    } finally {
      lock.release();
    }
  }

  private async sweep(now: Date, shortestDays: number): Promise<Omit<SweepFigures, 'ran'>> {
    const closedBefore = new Date(now.getTime() - shortestDays * DAY_MS).toISOString();
    // The cases of this deployment's task queue (the gateway's own), closed long enough ago for any policy.
    const query = [
      `WorkflowType = "${WorkflowTypes.victimPathway}"`,
      `TaskQueue = "${this.config.TEMPORAL_TASK_QUEUE}"`,
      'ExecutionStatus = "Completed"',
      `CloseTime < "${closedBefore}"`,
    ].join(' AND ');
    let candidates = 0;
    let erased = 0;
    for await (const workflow of this.client.workflow.list({ query })) {
      const caseRef = workflow.workflowId;
      if (!isCaseRef(caseRef)) continue;
      candidates += 1;
      if (await this.due(caseRef, now)) erased += 1;
    }
    return { candidates, erased, kept: candidates - erased };
  }

  /** Erases the case's person if its own policy's period has ended since its closure; true if it did. */
  private async due(caseRef: CaseRef, now: Date): Promise<boolean> {
    if (!(await this.persons.holdsData(caseRef))) return false;
    const view = await this.cases.caseInScope(RETENTION_PRINCIPAL, caseRef);
    if (view.closed === undefined || view.policyVersion === undefined) return false;
    const days = policyByVersion(this.policies, view.policyVersion).personData?.retentionAfterClosureDays;
    if (days === undefined || Date.parse(view.closed.at) + days * DAY_MS > now.getTime()) return false;
    await this.persons.eraseFor(RETENTION_PRINCIPAL, caseRef, 'retention-period-ended', view);
    return true;
  }
}
