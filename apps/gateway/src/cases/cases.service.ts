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
  UpdateNames,
  WorkflowTypes,
  type CaseStateView,
  type DecideIdentification,
  type OpenCaseRequest,
  type VictimPathwayInput,
} from '../../../../libs/contracts/src/index.js';
import { caseRefFromRandom, type CaseRef } from '../../../../libs/domain/src/index.js';
import { GATEWAY_CONFIG, TEMPORAL_CLIENT } from '../tokens.js';

/** Refusal codes that mean "not now / not by you" rather than "malformed". */
const CONFLICT_CODES = new Set(['NOT_IN_STAGE', 'DUPLICATE_REQUEST']);

@Injectable()
export class CasesService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async open(intake: OpenCaseRequest): Promise<CaseStateView> {
    const caseRef = caseRefFromRandom(randomBytes(12));
    const input: VictimPathwayInput = { caseRef, intake };
    const handle = await this.client.workflow.start(WorkflowTypes.victimPathway, {
      workflowId: caseRef,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return handle.query<CaseStateView>(QueryNames.getCaseState);
  }

  async state(caseRef: CaseRef): Promise<CaseStateView> {
    try {
      return await this.client.workflow.getHandle(caseRef).query<CaseStateView>(QueryNames.getCaseState);
    } catch (error) {
      throw this.translate(error);
    }
  }

  async decideIdentification(
    caseRef: CaseRef,
    command: DecideIdentification,
    updateId?: string,
  ): Promise<CaseStateView> {
    try {
      return await this.client.workflow
        .getHandle(caseRef)
        .executeUpdate<CaseStateView, [DecideIdentification]>(UpdateNames.decideIdentification, {
          args: [command],
          ...(updateId ? { updateId } : {}),
        });
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
