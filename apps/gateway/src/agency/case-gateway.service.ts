import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
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
  partySchemaFor,
  referralSchema,
  type AccessChangeArgs,
  type ActResult,
  type IdempotencyRecord,
  type RefusalDetails,
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
import { isTemporalUnavailable } from '../../../../libs/temporal/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { withSupportAndNextSteps } from './case-view.enrich.js';
import { IdempotencyKeyStore } from './idempotency-key.store.js';
import { bindIdempotencyKey, updateIdOf } from './idempotency.js';
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

/** A grant: a grantable role and its party (an organisation code; a guardian's subject id). */
export const grantBodySchema = z
  .strictObject({
    role: z.enum(grantableRoles() as [AccessGrant['role'], ...AccessGrant['role'][]], {
      error: `must be one of: ${grantableRoles().join(', ')}`,
    }),
    party: z.string(),
  })
  .superRefine((grant, context) => {
    const party = partySchemaFor(grant.role).safeParse(grant.party);
    for (const issue of party.success ? [] : party.error.issues) {
      context.addIssue({ code: 'custom', path: ['party'], message: issue.message });
    }
  });

/** A whole number written in decimal digits only (`0x10`, `1e2`, ` 5` and `5.0` are refused). */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}, in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const listCasesQuerySchema = z.strictObject({
  stage: z.enum(STAGES, { error: `must be one of: ${STAGES.join(', ')}` }).optional(),
  limit: queryInt(1, 200, 50),
});

export const listDeadlinesQuerySchema = z.strictObject({
  days: queryInt(1, 366, 14),
  limit: queryInt(1, 200, 50),
});

/** One row of a caseload listing, read from search attributes (no personal data by construction). */
export interface CaseloadEntry {
  readonly caseRef: string;
  readonly stage: string | undefined;
  readonly responsibleAgency: string | undefined;
  readonly nextDeadline: string | undefined;
}

/** An answer to an act or an open: the case as the caller may see it, and whether it replays an earlier one. */
export interface CaseAnswer {
  readonly status: 200 | 201 | 202;
  readonly caseRef: CaseRef;
  /** Absent on 202: the case was opened but its first view could not be read in time. */
  readonly view?: CaseView;
  /** The same request with the same Idempotency-Key was answered before: this is that answer again. */
  readonly replayed: boolean;
}

/**
 * What the agency gateways do on behalf of an authenticated principal. The acting agency is the caller's
 * role (never a field of the body); the object scope is checked against the case's grants before anything
 * is read or changed; a case out of scope is answered exactly like an unknown one. Every Temporal call has a
 * deadline: when Temporal or the workers do not answer in time the caller gets 503 with Retry-After.
 */
@Injectable()
export class CaseGatewayService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(IdempotencyKeyStore) private readonly keys: IdempotencyKeyStore,
  ) {}

  /**
   * Opens a pathway under a fresh pseudonymous case ref (never derived from personal data). With an
   * Idempotency-Key the ref is derived from the caller's role, organisation and key instead, so a retried
   * referral finds the case the first one opened rather than opening a second case for the same person;
   * the key is bound to the referral, and another referral with the same key is refused.
   */
  async open(principal: Principal, body: unknown, idempotencyKey?: string): Promise<CaseAnswer> {
    const referral = parseOrThrow(referralSchema, { ...this.withoutActor(body), by: this.agency(principal) });
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : bindIdempotencyKey(principal, idempotencyKey, { operation: 'openCase', body });
    if (idempotency !== undefined) await this.keys.claim(idempotency);
    const caseRef = caseRefFromRandom(
      idempotency === undefined ? randomBytes(12) : Buffer.from(idempotency.key, 'base64url'),
    );
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
      throw new UnprocessableEntityException({
        code: opening.code,
        detail: opening.reason,
        ...(opening.rule !== undefined ? { rule: opening.rule } : {}),
        ...(opening.details !== undefined ? { details: opening.details } : {}),
      });
    }
    const access: RecordedAccessGrant[] = initialGrants(principal).map((grant) => ({
      ...grant,
      by: referral.by,
      at,
    }));
    const input: VictimPathwayInput = { caseRef, referral, access, ...(idempotency ? { idempotency } : {}) };
    try {
      await this.withDeadline(() =>
        this.client.workflow.start(WorkflowTypes.victimPathway, {
          workflowId: caseRef,
          taskQueue: this.config.TEMPORAL_TASK_QUEUE,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: ACCESS_GRANTS_KEY, value: access.map(grantKey) }],
        }),
      );
    } catch (error) {
      if (idempotency !== undefined && error instanceof WorkflowExecutionAlreadyStartedError) {
        // The key opened this case before (a retry, or two retries that raced): the same referral is
        // answered with that case; another referral under the same key is refused.
        const held = await this.query<IdempotencyRecord | null>(caseRef, QueryNames.idempotencyRecord, [
          idempotency.key,
        ]);
        if (held !== null && held.fingerprint !== idempotency.fingerprint) throw keyReused();
        const view = await this.query<CaseView>(caseRef, QueryNames.getCase);
        return {
          status: 201,
          caseRef,
          view: viewForRole(principal.role, withSupportAndNextSteps(view)),
          replayed: true,
        };
      }
      if (isTemporalUnavailable(error) && (await this.exists(caseRef))) {
        return { status: 202, caseRef, replayed: false };
      }
      throw this.translate(error);
    }
    try {
      const view = await this.withDeadline(() =>
        this.client.workflow.getHandle(caseRef).query<CaseView>(QueryNames.getCase),
      );
      return {
        status: 201,
        caseRef,
        view: viewForRole(principal.role, withSupportAndNextSteps(view)),
        replayed: false,
      };
    } catch (error) {
      // Started, but no worker answered in time: the case exists; say so, so that no retry opens another.
      if (isTemporalUnavailable(error)) return { status: 202, caseRef, replayed: false };
      throw this.translate(error);
    }
  }

  /** Whether a workflow with this id exists, when Temporal answers in time (a start whose answer was lost). */
  private async exists(caseRef: CaseRef): Promise<boolean> {
    try {
      await this.withDeadline(() => this.client.workflow.getHandle(caseRef).describe());
      return true;
    } catch {
      return false;
    }
  }

  async view(principal: Principal, caseRef: CaseRef): Promise<CaseView> {
    return viewForRole(principal.role, withSupportAndNextSteps(await this.caseInScope(principal, caseRef)));
  }

  /**
   * An agency act as a Temporal Update. With an Idempotency-Key, the key is bound to this request (the
   * caller's organisation, the act, the case and the body): the same request again has one effect and gets
   * the first answer again (`replayed`); another request with that key is refused (422
   * IDEMPOTENCY_KEY_REUSED) and changes nothing.
   */
  async act(
    principal: Principal,
    caseRef: CaseRef,
    act: AgencyCommandType,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<CaseAnswer> {
    // Scope first: a case out of scope answers 404 whatever the body, like an unknown one.
    await this.caseInScope(principal, caseRef);
    const { onBehalfOfVictim, ...rest } = this.withoutActor(body, isVictimAct(act));
    // R6: an act the victim makes through an agency records both: the victim acts, the agency helped.
    const actor =
      onBehalfOfVictim === true
        ? { by: 'victim', via: this.agency(principal) }
        : { by: this.agency(principal) };
    const args = parseOrThrow(actSchemas[act], { ...rest, ...actor });
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : bindIdempotencyKey(principal, idempotencyKey, { operation: act, caseRef, body });
    if (idempotency !== undefined) await this.keys.claim(idempotency);
    const result = await this.update<ActResult>(
      caseRef,
      act,
      { ...args, ...(idempotency ? { idempotency } : {}) },
      idempotency ? updateIdOf(idempotency) : undefined,
    );
    const { receipt, ...view } = result;
    const replayed = idempotency !== undefined && receipt?.requestId !== idempotency.requestId;
    return {
      status: 200,
      caseRef,
      view: viewForRole(principal.role, withSupportAndNextSteps(view)),
      replayed,
    };
  }

  async changeAccess(
    principal: Principal,
    caseRef: CaseRef,
    change: 'grant' | 'revoke',
    grant: unknown,
  ): Promise<CaseView> {
    await this.caseInScope(principal, caseRef);
    const args: AccessChangeArgs = {
      by: this.agency(principal),
      grant: parseOrThrow(grantBodySchema, grant),
    };
    const name = change === 'grant' ? AccessUpdateNames.grantAccess : AccessUpdateNames.revokeAccess;
    return viewForRole(
      principal.role,
      withSupportAndNextSteps(await this.update<CaseView>(caseRef, name, args)),
    );
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
    try {
      return await this.withDeadline(async () => {
        const entries: CaseloadEntry[] = [];
        for await (const execution of this.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
          entries.push(toEntry(execution));
          if (entries.length >= limit) break;
        }
        return entries;
      });
    } catch (error) {
      throw this.translate(error);
    }
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
    for (const field of ['by', 'via'] as const) {
      if (field in fields) {
        throw new BadRequestException({
          code: 'VALIDATION_FAILED',
          detail: 'The request does not match the contract.',
          errors: [{ pointer: `/${field}`, detail: 'who acts is taken from your token; remove this field' }],
        });
      }
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
    const view = await this.query<CaseView>(caseRef, QueryNames.getCase);
    if (!isInScope(principal, view.access ?? [])) throw new NotFoundException(NOT_FOUND);
    return view;
  }

  private async query<T>(caseRef: CaseRef, name: string, args: unknown[] = []): Promise<T> {
    try {
      return await this.withDeadline(() =>
        this.client.workflow.getHandle(caseRef).query<T, unknown[]>(name, ...args),
      );
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async update<T>(caseRef: CaseRef, name: string, args: unknown, updateId?: string): Promise<T> {
    try {
      return await this.withDeadline(() =>
        this.client.workflow
          .getHandle(caseRef)
          .executeUpdate<T, [unknown]>(name, { args: [args], ...(updateId ? { updateId } : {}) }),
      );
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

  /** Every Temporal call ends within the configured time, answered or not. */
  private withDeadline<T>(call: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + this.config.GATEWAY_TEMPORAL_TIMEOUT_MS, call);
  }

  private async isClosed(caseRef: CaseRef): Promise<boolean> {
    try {
      const description = await this.withDeadline(() => this.client.workflow.getHandle(caseRef).describe());
      return description.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }

  /**
   * Domain refusals keep their code and reason; an unknown case is a 404 that names no data; Temporal or the
   * workers not answering in time is a 503 with Retry-After (an act may still be applied once they are back:
   * retry it with the same Idempotency-Key).
   */
  private translate(error: unknown): unknown {
    if (error instanceof WorkflowNotFoundError) return new NotFoundException(NOT_FOUND);
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type ?? 'REFUSED';
      const [more] = error.cause.details as [RefusalDetails?];
      const body = {
        code,
        detail: error.cause.message,
        ...(typeof more?.rule === 'string' ? { rule: more.rule } : {}),
        ...(more?.details !== undefined ? { details: more.details } : {}),
      };
      return CONFLICT_CODES.has(code) ? new ConflictException(body) : new UnprocessableEntityException(body);
    }
    if (isTemporalUnavailable(error)) {
      return new ServiceUnavailableException({
        code: 'SERVICE_UNAVAILABLE',
        detail:
          'The case service did not answer in time (Temporal or its workers are unavailable). Try again later; an act sent with an Idempotency-Key may be retried with the same key.',
        retryAfterSeconds: this.config.GATEWAY_RETRY_AFTER_SECONDS,
      });
    }
    return error;
  }
}

function keyReused(): UnprocessableEntityException {
  return new UnprocessableEntityException({
    code: 'IDEMPOTENCY_KEY_REUSED',
    detail: 'This Idempotency-Key was already used for another request; a new request needs a new key.',
  });
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
