import { randomBytes } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import {
  QueryNames,
  WorkflowTypes,
  type ActArgs,
  type AgencyCommandType,
  type CaseView,
  type Referral,
  type VictimPathwayInput,
} from '../../../../libs/contracts/src/index.js';
import { caseRefFromRandom, type CaseRef } from '../../../../libs/domain/src/index.js';
import { GATEWAY_CONFIG, TEMPORAL_CLIENT } from '../tokens.js';

/** Refusal codes that mean "not now" (409) rather than "not allowed by a rule" (422). */
const CONFLICT_CODES = new Set([
  'NOT_IN_STAGE',
  'CASE_CLOSED',
  'CASE_ALREADY_OPEN',
  'APPLICATION_PENDING',
  'NO_PENDING_APPLICATION',
  'DEADLINE_PASSED',
  'DEADLINE_NOT_REACHED',
]);

@Injectable()
export class CasesService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Opens a pathway under a fresh pseudonymous case ref (never derived from personal data). */
  async open(referral: Referral): Promise<CaseView> {
    const caseRef = caseRefFromRandom(randomBytes(12));
    const input: VictimPathwayInput = { caseRef, referral };
    const handle = await this.client.workflow.start(WorkflowTypes.victimPathway, {
      workflowId: caseRef,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return handle.query<CaseView>(QueryNames.getCase);
  }

  async view(caseRef: CaseRef): Promise<CaseView> {
    try {
      return await this.client.workflow.getHandle(caseRef).query<CaseView>(QueryNames.getCase);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** An agency act as a Temporal Update; `updateId` (the Idempotency-Key) gives a retried request one effect. */
  async act<T extends AgencyCommandType>(
    caseRef: CaseRef,
    type: T,
    args: ActArgs<T>,
    updateId?: string,
  ): Promise<CaseView> {
    try {
      return await this.client.workflow
        .getHandle(caseRef)
        .executeUpdate<CaseView, [ActArgs<T>]>(type, { args: [args], ...(updateId ? { updateId } : {}) });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError && (await this.isClosed(caseRef))) {
        throw new ConflictException({
          code: 'CASE_CLOSED',
          detail: 'The case is closed; it takes no further acts.',
        });
      }
      throw this.translate(error);
    }
  }

  private async isClosed(caseRef: CaseRef): Promise<boolean> {
    try {
      const description = await this.client.workflow.getHandle(caseRef).describe();
      return description.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }

  /** Domain refusals keep their code and reason; an unknown case is a 404 that names no data. */
  private translate(error: unknown): unknown {
    if (error instanceof WorkflowNotFoundError) {
      return new NotFoundException({ code: 'CASE_NOT_FOUND', detail: 'No case with this reference.' });
    }
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? 'REFUSED';
      const body = { code, detail: error.cause.message };
      return CONFLICT_CODES.has(code) ? new ConflictException(body) : new UnprocessableEntityException(body);
    }
    return error;
  }
}
