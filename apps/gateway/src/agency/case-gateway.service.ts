import { createHash, randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import {
  ApplicationFailure,
  SearchAttributeType,
  WorkflowNotFoundError,
  defineSearchAttributeKey,
} from '@temporalio/common';
import {
  grantableRoles,
  initialGrants,
  isInScope,
  isVictimAct,
  scopeClause,
  viewForRole,
} from '../../../../libs/access/src/index.js';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import {
  AccessUpdateNames,
  QueryNames,
  SearchAttributes,
  WorkflowTypes,
  actSchemas,
  agencyOfRole,
  grantKey,
  partySchema,
  referralSchema,
  type AccessChangeArgs,
  type AccessGrant,
  type AgencyCommandType,
  type CaseView,
  type Principal,
  type RecordedAccessGrant,
  type VictimPathwayInput,
} from '../../../../libs/contracts/src/index.js';
import {
  DENMARK_POLICIES,
  STAGES,
  caseRefFromRandom,
  decide,
  initialState,
  instant,
  selectPolicy,
  type AgencyId,
  type CaseRef,
} from '../../../../libs/domain/src/index.js';
import { z } from 'zod';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
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
  'GRANT_NOT_FOUND',
]);

const NOT_FOUND = { code: 'CASE_NOT_FOUND', detail: 'No case with this reference in your scope.' } as const;

export const grantBodySchema = z.strictObject({
  role: z.enum(grantableRoles() as [AccessGrant['role'], ...AccessGrant['role'][]], {
    error: `must be one of: ${grantableRoles().join(', ')}`,
  }),
  party: partySchema,
});

export const listCasesQuerySchema = z.strictObject({
  stage: z.enum(STAGES, { error: `must be one of: ${STAGES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const listDeadlinesQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(14),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** One row of a caseload listing, read from search attributes (no personal data by construction). */
export interface CaseloadEntry {
  readonly caseRef: string;
  readonly stage: string | undefined;
  readonly responsibleAgency: string | undefined;
  readonly nextDeadline: string | undefined;
}

/**
 * What the agency gateways do on behalf of an authenticated principal. The acting agency is the caller's
 * role (never a field of the body); the object scope is checked against the case's grants before anything
 * is read or changed; a case out of scope is answered exactly like an unknown one.
 */
@Injectable()
export class CaseGatewayService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Opens a pathway under a fresh pseudonymous case ref (never derived from personal data). With an
   * Idempotency-Key the ref is derived from the caller's role, organisation and key instead, so a retried
   * referral finds the case the first one opened rather than opening a second case for the same person.
   */
  async open(principal: Principal, body: unknown, idempotencyKey?: string): Promise<CaseView> {
    const referral = parseOrThrow(referralSchema, { ...this.withoutActor(body), by: this.agency(principal) });
    const caseRef = caseRefFromRandom(
      idempotencyKey === undefined
        ? randomBytes(12)
        : createHash('sha256').update(`${principal.role}\n${principal.org}\n${idempotencyKey}`).digest(),
    );
    if (idempotencyKey !== undefined) {
      const existing = await this.existingCase(caseRef);
      if (existing) return viewForRole(principal.role, existing);
    }
    const at = new Date().toISOString();
    // The domain decides whether this referral may open a case (R1/R3: who refers through which channel);
    // asked here too so that a refused referral starts no workflow.
    const opening = decide(
      { type: 'referCase', caseRef, ...referral },
      initialState(),
      instant(at),
      selectPolicy(DENMARK_POLICIES, instant(at)),
    );
    if (!opening.ok) {
      throw new UnprocessableEntityException({ code: opening.code, detail: opening.reason });
    }
    const access: RecordedAccessGrant[] = initialGrants(principal).map((grant) => ({
      ...grant,
      by: referral.by,
      at,
    }));
    const input: VictimPathwayInput = { caseRef, referral, access };
    try {
      const handle = await this.client.workflow.start(WorkflowTypes.victimPathway, {
        workflowId: caseRef,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: ACCESS_GRANTS_KEY, value: access.map(grantKey) }],
      });
      return viewForRole(principal.role, await handle.query<CaseView>(QueryNames.getCase));
    } catch (error) {
      // Two retries of one keyed referral raced: the one that lost answers with the winner's case.
      if (idempotencyKey !== undefined && error instanceof WorkflowExecutionAlreadyStartedError) {
        const existing = await this.existingCase(caseRef);
        if (existing) return viewForRole(principal.role, existing);
      }
      throw error;
    }
  }

  /** The case a previous request with the same key opened, if any. */
  private async existingCase(caseRef: CaseRef): Promise<CaseView | undefined> {
    try {
      return await this.client.workflow.getHandle(caseRef).query<CaseView>(QueryNames.getCase);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  async view(principal: Principal, caseRef: CaseRef): Promise<CaseView> {
    return viewForRole(principal.role, await this.caseInScope(principal, caseRef));
  }

  /** An agency act as a Temporal Update; `updateId` (the Idempotency-Key) gives a retried request one effect. */
  async act(
    principal: Principal,
    caseRef: CaseRef,
    act: AgencyCommandType,
    body: unknown,
    updateId: string | undefined,
  ): Promise<CaseView> {
    // Scope first: a case out of scope answers 404 whatever the body, like an unknown one.
    await this.caseInScope(principal, caseRef);
    const { onBehalfOfVictim, ...rest } = this.withoutActor(body, isVictimAct(act));
    const by = onBehalfOfVictim === true ? 'victim' : this.agency(principal);
    const args = parseOrThrow(actSchemas[act], { ...rest, by });
    const view = await this.update(caseRef, act, args, updateId);
    return viewForRole(principal.role, view);
  }

  async changeAccess(
    principal: Principal,
    caseRef: CaseRef,
    change: 'grant' | 'revoke',
    grant: unknown,
    updateId?: string,
  ): Promise<CaseView> {
    await this.caseInScope(principal, caseRef);
    const args: AccessChangeArgs = {
      by: this.agency(principal),
      grant: parseOrThrow(grantBodySchema, grant),
    };
    const name = change === 'grant' ? AccessUpdateNames.grantAccess : AccessUpdateNames.revokeAccess;
    return viewForRole(principal.role, await this.update(caseRef, name, args, updateId));
  }

  /** Open cases in the caller's scope, optionally in one stage (newest first). */
  async listCases(principal: Principal, query: unknown): Promise<CaseloadEntry[]> {
    const { stage, limit } = parseOrThrow(listCasesQuerySchema, query);
    const stageClause = stage ? ` AND ${SearchAttributes.stage.name} = '${stage}'` : '';
    return this.list(`${this.openCasesQuery(principal)}${stageClause}`, limit);
  }

  /**
   * "My deadlines": open cases in scope whose next deadline falls within `days` and is the caller's agency's
   * to meet (the auditor sees every agency's), soonest first.
   */
  async listDeadlines(principal: Principal, query: unknown): Promise<CaseloadEntry[]> {
    const { days, limit } = parseOrThrow(listDeadlinesQuerySchema, query);
    const until = new Date(Date.now() + days * 86_400_000).toISOString();
    const agency = agencyOfRole(principal.role);
    const mine = agency ? ` AND ${SearchAttributes.responsibleAgency.name} = '${agency}'` : '';
    const entries = await this.list(
      `${this.openCasesQuery(principal)}${mine} AND ${SearchAttributes.nextDeadline.name} <= '${until}'`,
      limit,
    );
    return entries.sort((a, b) => (a.nextDeadline ?? '').localeCompare(b.nextDeadline ?? ''));
  }

  private openCasesQuery(principal: Principal): string {
    return `WorkflowType = '${WorkflowTypes.victimPathway}' AND ExecutionStatus = 'Running'${scopeClause(principal)}`;
  }

  private async list(query: string, limit: number): Promise<CaseloadEntry[]> {
    const entries: CaseloadEntry[] = [];
    for await (const execution of this.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      entries.push(toEntry(execution));
      if (entries.length >= limit) break;
    }
    return entries;
  }

  private agency(principal: Principal): AgencyId {
    const agency = agencyOfRole(principal.role);
    // The route table gives the auditor no act; reaching here without an agency is a programming error.
    if (agency === undefined) throw new Error('this role does not act on cases');
    return agency;
  }

  /** The acting agency comes from the token: a body that names one is refused, not silently overridden. */
  private withoutActor(body: unknown, victimAct = false): Record<string, unknown> {
    const fields = body === undefined ? {} : body;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new BadRequestException({ code: 'VALIDATION_FAILED', detail: 'The body must be a JSON object.' });
    }
    if ('by' in fields) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        detail: 'The request does not match the contract.',
        errors: [{ pointer: '/by', detail: 'who acts is taken from your token; remove this field' }],
      });
    }
    if ('onBehalfOfVictim' in fields && (!victimAct || typeof fields.onBehalfOfVictim !== 'boolean')) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        detail: 'The request does not match the contract.',
        errors: [
          {
            pointer: '/onBehalfOfVictim',
            detail: victimAct ? 'must be a boolean' : 'this act is not made on the victim’s behalf',
          },
        ],
      });
    }
    return fields as Record<string, unknown>;
  }

  /** Reads the case; out of scope is indistinguishable from unknown (404), so scope leaks no existence. */
  private async caseInScope(principal: Principal, caseRef: CaseRef): Promise<CaseView> {
    let view: CaseView;
    try {
      view = await this.client.workflow.getHandle(caseRef).query<CaseView>(QueryNames.getCase);
    } catch (error) {
      throw this.translate(error);
    }
    if (!isInScope(principal, view.access ?? [])) throw new NotFoundException(NOT_FOUND);
    return view;
  }

  private async update(caseRef: CaseRef, name: string, args: unknown, updateId?: string): Promise<CaseView> {
    try {
      return await this.client.workflow
        .getHandle(caseRef)
        .executeUpdate<CaseView, [unknown]>(name, { args: [args], ...(updateId ? { updateId } : {}) });
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
    if (error instanceof WorkflowNotFoundError) return new NotFoundException(NOT_FOUND);
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? 'REFUSED';
      const body = { code, detail: error.cause.message };
      return CONFLICT_CODES.has(code) ? new ConflictException(body) : new UnprocessableEntityException(body);
    }
    return error;
  }
}

const ACCESS_GRANTS_KEY = defineSearchAttributeKey(
  SearchAttributes.accessGrants.name,
  SearchAttributeType.KEYWORD_LIST,
);
const STAGE_KEY = defineSearchAttributeKey(SearchAttributes.stage.name, SearchAttributeType.KEYWORD);
const RESPONSIBLE_KEY = defineSearchAttributeKey(
  SearchAttributes.responsibleAgency.name,
  SearchAttributeType.KEYWORD,
);
const NEXT_DEADLINE_KEY = defineSearchAttributeKey(
  SearchAttributes.nextDeadline.name,
  SearchAttributeType.DATETIME,
);

function toEntry(execution: WorkflowExecutionInfo): CaseloadEntry {
  const attributes = execution.typedSearchAttributes;
  return {
    caseRef: execution.workflowId,
    stage: attributes.get(STAGE_KEY),
    responsibleAgency: attributes.get(RESPONSIBLE_KEY),
    nextDeadline: attributes.get(NEXT_DEADLINE_KEY)?.toISOString(),
  };
}
