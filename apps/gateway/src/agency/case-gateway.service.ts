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
  grantBodySchema,
  initialGrants,
  grantFor,
  isInScope,
  isVictimAct,
  mayPerform,
  viewForRole,
} from '../../../../libs/access/src/index.js';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import {
  CaseClosedError,
  CaseNotFoundError,
  CaseRefusedError,
  CaseServiceUnavailableError,
  AGENCY_COMMAND_TYPES,
  actSchemas,
  kebab,
  type AvailableActs,
  agencyOfRole,
  grantKey,
  openingOf,
  referralSchema,
  type AccessChangeArgs,
  type ActArgs,
  type AgencyCommandType,
  type CaseNote,
  type CaseView,
  type IdempotencyRecord,
  type PersonRecord,
  type PersonSummary,
  PERSON_SECTIONS,
  type PathwayCases,
  type Principal,
  type RecordedAccessGrant,
  type VictimPathwayInput,
} from '../../../../libs/contracts/src/index.js';
import {
  DENMARK_POLICIES,
  availableActs,
  caseRefFromRandom,
  policyByVersion,
  instant,
  type AgencyId,
  type CaseRef,
  type RefusalCode,
} from '../../../../libs/domain/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { withSupportAndNextSteps } from './case-view.enrich.js';
import { CaseViews } from './case-views.js';
import { IdempotencyKeyStore } from './idempotency-key.store.js';
import { bindIdempotencyKey, updateIdOf } from './idempotency.js';
import { GATEWAY_CONFIG, PATHWAY_CASES, PERSON_VAULT } from '../tokens.js';
import type { PersonVault } from '../../../../libs/personal-data/src/index.js';
import { SpanKind, inSpan } from '../../../../libs/observability/src/index.js';

/**
 * The HTTP status of each refusal: 409 for "not now" (the case is not in a state for it), 422 for "not
 * allowed by a rule". A typed record over every code, so a new code does not compile without its status.
 */
const REFUSAL_STATUS: {
  readonly [C in RefusalCode | 'GRANT_NOT_FOUND' | 'IDEMPOTENCY_KEY_REUSED']: 409 | 422;
} = {
  CASE_ALREADY_OPEN: 409,
  CASE_NOT_OPEN: 409,
  CASE_CLOSED: 409,
  POLICY_MISMATCH: 422,
  POLICY_NOT_IN_FORCE: 422,
  INVALID_COMMAND: 422,
  NOT_IN_STAGE: 409,
  ACTOR_NOT_PERMITTED: 422,
  WRONG_AUTHORITY: 422,
  VICTIM_CANNOT_APPLY: 422,
  INTERVIEW_REQUIRED: 422,
  ASSESSMENT_REQUIRED: 422,
  DEADLINE_PASSED: 409,
  DEADLINE_NOT_REACHED: 409,
  UNKNOWN_DEADLINE: 422,
  APPLICATION_PENDING: 409,
  NO_PENDING_APPLICATION: 409,
  EXTENSION_BEYOND_CAP: 422,
  GROUND_NOT_ALLOWED: 422,
  AVR_COOPERATION_NOT_CONFIRMED: 422,
  AVR_PLAN_REQUIRED: 422,
  PERMIT_NOT_AVAILABLE: 422,
  HAS_LEGAL_STAY: 422,
  POLICE_COOPERATION_REQUIRED: 422,
  INVESTIGATION_ENDED: 422,
  NO_ACTIVE_PERMIT: 422,
  NOT_A_CHILD: 422,
  GUARDIAN_REQUIRED: 422,
  NOT_IN_BEST_INTEREST: 422,
  DURABLE_SOLUTION_REQUIRED: 422,
  NOT_DEPARTED: 422,
  CHECK_IN_NOT_DUE: 422,
  GRANT_NOT_FOUND: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
};

const NOT_FOUND = { code: 'CASE_NOT_FOUND', detail: 'No case with this reference in your scope.' } as const;

/** An answer to an act or an open: the case as the caller may see it, and whether it replays an earlier one. */
export interface CaseAnswer {
  readonly status: 200 | 201 | 202;
  readonly caseRef: CaseRef;
  /** Absent on 202: the case was opened, but its start was not confirmed in time. */
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
    @Inject(PATHWAY_CASES) private readonly cases: PathwayCases,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(IdempotencyKeyStore) private readonly keys: IdempotencyKeyStore,
    @Inject(PERSON_VAULT) private readonly persons: PersonVault<PersonRecord, CaseNote>,
    @Inject(CaseViews) private readonly views: CaseViews,
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
    const at = instant(new Date().toISOString());
    const access: RecordedAccessGrant[] = initialGrants(principal).map((grant) => ({
      ...grant,
      by: referral.by,
      at,
    }));
    // The domain decides whether this referral may open a case (R1/R3: who refers through which channel), and
    // the case as it opens, here where the referral arrives (ADR 0024): a refused referral starts no workflow,
    // and an accepted one is answered with its view without waiting for a workflow task.
    const opening = openingOf({ caseRef, referral, access }, at);
    if (!opening.ok) {
      const { code, reason, rule, details } = opening.decision;
      throw this.http(new CaseRefusedError(code, reason, rule, details));
    }
    const input: VictimPathwayInput = {
      caseRef,
      referral,
      access,
      opened: { at, digest: opening.digest },
      ...(idempotency ? { idempotency } : {}),
    };
    // Stored beside the start, under number 1, which the start names (ADR 0026): the next read needs no
    // worker. It stays only if this start opened the case.
    const kept = this.views.keepOpening(opening.view);
    let started: 'started' | 'exists';
    try {
      started = await this.cases.open(input);
    } catch (error) {
      await kept.settle(false);
      // A start whose answer was lost: if the case exists, say so, so that no retry opens another.
      if (error instanceof CaseServiceUnavailableError && (await this.cases.exists(caseRef))) {
        return { status: 202, caseRef, replayed: false };
      }
      throw this.http(error);
    }
    await kept.settle(started === 'started');
    if (started === 'exists') {
      // The key opened this case before (a retry, or two retries that raced): the same referral is answered
      // with that case; another referral under the same key is refused. (Without a key, a random ref that
      // is taken cannot happen in practice: it is refused rather than answered with another case.)
      if (idempotency === undefined)
        throw new ConflictException({ code: 'CASE_ALREADY_OPEN', detail: 'Try again.' });
      const held = await this.read(() => this.cases.idempotencyRecord(caseRef, idempotency.key));
      if (held !== null && held.fingerprint !== idempotency.fingerprint) throw keyReused();
      const view = await this.read(() => this.views.current(caseRef));
      return { status: 201, caseRef, view: this.forRole(principal, view), replayed: true };
    }
    return { status: 201, caseRef, view: this.forRole(principal, opening.view), replayed: false };
  }

  async view(principal: Principal, caseRef: CaseRef): Promise<CaseView> {
    const view = this.forRole(principal, await this.caseInScope(principal, caseRef));
    const person = await this.personSummary(caseRef);
    return person ? { ...view, person } : view;
  }

  /**
   * The acts the caller's role may take on the case, each tried by the domain on the case as it is now
   * (`availableActs`): the route table's acts for this role, whether the rules accept each now, and why not.
   */
  async availableActs(principal: Principal, caseRef: CaseRef): Promise<AvailableActs> {
    const { state, policyVersion } = await this.caseInScope(principal, caseRef);
    const agency = agencyOfRole(principal.role);
    const acts = AGENCY_COMMAND_TYPES.filter((act) => mayPerform(principal.role, act));
    if (agency === undefined || state.stage === 'not-started' || policyVersion === undefined)
      return { caseRef, stage: state.stage, acts: [] };
    const policy = policyByVersion(DENMARK_POLICIES, policyVersion);
    return {
      caseRef,
      stage: state.stage,
      acts: availableActs(state, policy, instant(new Date().toISOString()), agency, acts).map(
        (availability) => ({
          ...availability,
          path: kebab(availability.act),
        }),
      ),
    };
  }

  /**
   * Whether the case holds a person record (and which sections), or when and by whom it was erased: names
   * and dates only. The database out of reach leaves it out rather than withholding the case's deadlines.
   */
  private async personSummary(caseRef: CaseRef): Promise<PersonSummary | undefined> {
    const held = await this.persons.read(caseRef).catch(() => undefined);
    if (held === undefined) return undefined;
    if (held.state === 'erased') return { state: 'erased', present: [], erasure: held.erasure };
    if (held.state === 'none') return { state: 'none', present: [] };
    return { state: 'held', present: PERSON_SECTIONS.filter((s) => held.record[s] !== undefined) };
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
    const args = await this.inScopeThenValid(principal, caseRef, (): ActArgs<AgencyCommandType> => {
      const { onBehalfOfVictim, ...rest } = this.withoutActor(body, isVictimAct(act));
      // R6: an act the victim makes through an agency records both: the victim acts, the agency helped.
      const actor =
        onBehalfOfVictim === true
          ? { by: 'victim', via: this.agency(principal) }
          : { by: this.agency(principal) };
      return parseOrThrow(actSchemas[act], { ...rest, ...actor });
    });
    const {
      result: { receipt, ...view },
      idempotency,
    } = await this.keyedUpdate(principal, caseRef, idempotencyKey, { operation: act, body }, (key) =>
      this.cases.act(caseRef, act, { ...args, ...(key ? { idempotency: key } : {}) }, key && updateIdOf(key)),
    );
    const replayed = idempotency !== undefined && receipt?.requestId !== idempotency.requestId;
    await this.views.keep(view);
    return { status: 200, caseRef, view: this.forRole(principal, view), replayed };
  }

  /**
   * A grant or a revoke as a Temporal Update. With an Idempotency-Key, bound like an act's: the same request
   * again is the same Update, answered with its first outcome (`replayed`) — a revoke retried after a lost
   * answer gets the case without the grant, not 409 GRANT_NOT_FOUND; another request under the key is 422.
   */
  async changeAccess(
    principal: Principal,
    caseRef: CaseRef,
    change: 'grant' | 'revoke',
    grant: unknown,
    idempotencyKey?: string,
  ): Promise<{ readonly view: CaseView; readonly replayed: boolean }> {
    const args = await this.inScopeThenValid(principal, caseRef, (): AccessChangeArgs => ({
      by: this.agency(principal),
      grant: parseOrThrow(grantBodySchema, grant),
    }));
    const operation = change === 'grant' ? 'grantAccess' : 'revokeAccess';
    // No receipt in an access change's answer: a key already bound to this request marks a replay.
    const { result: view, claimed } = await this.keyedUpdate(
      principal,
      caseRef,
      idempotencyKey,
      { operation, body: args.grant },
      (key) => this.cases.changeAccess(caseRef, change, args, key && updateIdOf(key)),
    );
    await this.views.keep(view);
    return { view: this.forRole(principal, view), replayed: claimed === 'again' };
  }

  /**
   * A keyed Update of a case (an act, a grant, a revoke): with an Idempotency-Key, the key is bound to the
   * request (the caller's organisation, the operation, the case, the body) and claimed before the Update, whose
   * id the key makes (`updateIdOf`: the same request again is the same Update). A case that does not exist lets
   * a key this request bound go, so a 404 leaves nothing behind.
   */
  private async keyedUpdate<T>(
    principal: Principal,
    caseRef: CaseRef,
    idempotencyKey: string | undefined,
    request: { readonly operation: string; readonly body: unknown },
    update: (idempotency: IdempotencyRecord | undefined) => Promise<T>,
  ): Promise<{ result: T; idempotency?: IdempotencyRecord; claimed?: 'bound' | 'again' }> {
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : bindIdempotencyKey(principal, idempotencyKey, { ...request, caseRef });
    const claimed =
      idempotency === undefined
        ? undefined
        : await inSpan('idempotency claim', { kind: SpanKind.INTERNAL }, () => this.keys.claim(idempotency));
    const result = await this.read(async () => {
      try {
        return await update(idempotency);
      } catch (error) {
        if (error instanceof CaseNotFoundError && idempotency !== undefined && claimed === 'bound')
          await this.keys.release(idempotency);
        throw error;
      }
    });
    return { result, ...(idempotency ? { idempotency } : {}), ...(claimed ? { claimed } : {}) };
  }

  /** The view a role may see, with what the domain says for people (support, next steps). */
  private forRole(principal: Principal, view: CaseView): CaseView {
    return viewForRole(principal.role, withSupportAndNextSteps(view));
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

  /**
   * Reads the case as the workflow holds it; out of scope is indistinguishable from unknown (404), so scope
   * leaks no existence. The person routes check this first, and tell the agencies holding its grants.
   */
  async caseInScope(principal: Principal, caseRef: CaseRef): Promise<CaseView> {
    const view = await inSpan('scope check', { kind: SpanKind.INTERNAL }, () =>
      this.read(() => this.views.current(caseRef)),
    );
    if (!isInScope(principal, view.access ?? [])) throw new NotFoundException(NOT_FOUND);
    return view;
  }

  /**
   * Scope first, then the body (ADR 0019): a case out of scope answers 404 whatever the body, like an unknown
   * one, and nothing is changed. A national role (CMM, DIS, SIRI) has every case in scope, so its change goes
   * straight to the case, which answers 404 itself when it does not exist; only a body that fails validation
   * asks first whether the case exists (404 before 400). A role whose scope is granted reads the grants the
   * case's own record holds (`describe`, served by Temporal without a worker); when they do not say yes, the
   * case itself decides (the query: unknown and out of scope alike are 404).
   */
  private async inScopeThenValid<T>(principal: Principal, caseRef: CaseRef, validate: () => T): Promise<T> {
    const needed = grantFor(principal);
    if (needed !== undefined) {
      const held = await inSpan('scope check (grants)', { kind: SpanKind.INTERNAL }, () =>
        this.read(() => this.cases.grantKeys(caseRef)),
      );
      if (!held.includes(grantKey(needed))) await this.caseInScope(principal, caseRef);
      return validate();
    }
    try {
      return validate();
    } catch (invalid) {
      await this.caseInScope(principal, caseRef);
      throw invalid;
    }
  }

  private async read<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      throw this.http(error);
    }
  }

  /**
   * The port's failures as HTTP answers: a refusal keeps the domain's code, reason, rule and details; an
   * unknown case is a 404 that names no data; the engine or its workers not answering in time is a 503 with
   * Retry-After (an act may still be applied once they are back: retry it with the same Idempotency-Key).
   */
  private http(error: unknown): unknown {
    if (error instanceof CaseNotFoundError) return new NotFoundException(NOT_FOUND);
    if (error instanceof CaseClosedError) {
      return new ConflictException({
        code: 'CASE_CLOSED',
        detail: 'The case is closed; it takes no further acts.',
      });
    }
    if (error instanceof CaseRefusedError) {
      const body = {
        code: error.code,
        detail: error.message,
        ...(error.rule !== undefined ? { rule: error.rule } : {}),
        ...(error.details !== undefined ? { details: error.details } : {}),
      };
      const status = (REFUSAL_STATUS as Readonly<Record<string, 409 | 422 | undefined>>)[error.code] ?? 422;
      return status === 409 ? new ConflictException(body) : new UnprocessableEntityException(body);
    }
    if (error instanceof CaseServiceUnavailableError) {
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
