import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { z } from 'zod';
import { grantFor } from '../../../../libs/access/src/index.js';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import {
  agencyOfRole,
  caseloadEntrySchema,
  grantKey,
  listCasesQuerySchema,
  listDeadlinesQuerySchema,
  type Principal,
} from '../../../../libs/contracts/src/index.js';
import {
  InvalidCursorError,
  type CaseloadQueries,
  type DeadlineEntry,
  type DeadlineQuery,
  type Page,
  type Scope,
} from '../../../../libs/read-model/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { CASELOAD_QUERIES, GATEWAY_CONFIG } from '../tokens.js';

const DAY_MS = 86_400_000;
/** The calendar feed: the deadlines due within this many days (and the overdue ones), at most so many. */
export const CALENDAR_HORIZON_DAYS = 365;
export const CALENDAR_MAX_DEADLINES = 1_000;
const CALENDAR_PAGE = 200;

/** A row of the case listing as answered (`CaseloadEntry` in the OpenAPI document). */
type CaseloadAnswer = z.infer<typeof caseloadEntrySchema>;

/** A listing's page: its rows and, when there is more, the query of the next page. */
export interface Listing<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/**
 * The caseload (issue 14), from the read model: "my deadlines" (every running deadline the caller's agency
 * must meet), the open cases by stage, and the counts per stage — scoped exactly like a case (national roles
 * see every case; the others the cases granted to their party).
 */
@Injectable()
export class CaseloadService {
  constructor(
    @Inject(CASELOAD_QUERIES) private readonly queries: CaseloadQueries,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async deadlines(principal: Principal, query: unknown): Promise<Listing<DeadlineEntry>> {
    const { days, kind, stage, overdue, limit, cursor } = parseOrThrow(listDeadlinesQuerySchema, query);
    const now = Date.now();
    return this.page(() =>
      this.queries.deadlines({
        ...deadlineScope(principal),
        ...(kind ? { kinds: kind } : {}),
        ...(stage ? { stages: stage } : {}),
        dueBefore: new Date(now + days * DAY_MS),
        ...(overdue === 'true' ? { overdueAt: new Date(now) } : {}),
        ...(cursor === undefined ? {} : { after: cursor }),
        limit,
      }),
    );
  }

  /**
   * The calendar feed's deadlines (ADR 0020): what "my deadlines" lists for the principal with no filter —
   * the overdue ones and those due within `CALENDAR_HORIZON_DAYS` — every page of it, up to
   * `CALENDAR_MAX_DEADLINES`, soonest first.
   */
  async calendarDeadlines(principal: Principal): Promise<readonly DeadlineEntry[]> {
    const dueBefore = new Date(Date.now() + CALENDAR_HORIZON_DAYS * DAY_MS);
    const entries: DeadlineEntry[] = [];
    let after: string | undefined;
    do {
      const limit = Math.min(CALENDAR_PAGE, CALENDAR_MAX_DEADLINES - entries.length);
      const page = await this.read(() =>
        this.queries.deadlines({
          ...deadlineScope(principal),
          dueBefore,
          ...(after === undefined ? {} : { after }),
          limit,
        }),
      );
      entries.push(...page.items);
      after = page.next;
    } while (after !== undefined && entries.length < CALENDAR_MAX_DEADLINES);
    return entries;
  }

  async cases(principal: Principal, query: unknown): Promise<Listing<CaseloadAnswer>> {
    const { stage, limit, cursor } = parseOrThrow(listCasesQuerySchema, query);
    const listing = await this.page(() =>
      this.queries.cases({
        scope: scopeOf(principal),
        ...(stage === undefined ? {} : { stage }),
        ...(cursor === undefined ? {} : { after: cursor }),
        limit,
      }),
    );
    return {
      ...listing,
      // The answer's shape (CaseloadEntry): who must meet the soonest deadline, and when.
      items: listing.items.map(({ nextDeadline, ...entry }) =>
        nextDeadline
          ? { ...entry, responsibleAgency: nextDeadline.responsible, nextDeadline: nextDeadline.dueAt }
          : entry,
      ),
    };
  }

  async counts(principal: Principal): Promise<{ total: number; stages: Record<string, number> }> {
    const stages = await this.read(() => this.queries.stageCounts(scopeOf(principal)));
    return { total: Object.values(stages).reduce((sum, n) => sum + n, 0), stages };
  }

  private async page<T>(call: () => Promise<Page<T>>): Promise<Listing<T>> {
    const { items, next } = await this.read(call);
    return { items, ...(next === undefined ? {} : { nextCursor: next }) };
  }

  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof InvalidCursorError) {
        throw new BadRequestException({
          code: 'VALIDATION_FAILED',
          detail: 'The request does not match the contract.',
          errors: [{ pointer: '/cursor', detail: error.message }],
        });
      }
      throw new ServiceUnavailableException({
        code: 'READ_MODEL_UNAVAILABLE',
        detail: `The caseload could not be read. Try again in ${this.config.GATEWAY_RETRY_AFTER_SECONDS} seconds.`,
      });
    }
  }
}

/** Whose deadlines a principal's listing holds: its scope, and the agency that must act (R17: a guardian's children). */
function deadlineScope(
  principal: Principal,
): Pick<DeadlineQuery, 'scope' | 'responsible' | 'childrenOfGuardian'> {
  const agency = agencyOfRole(principal.role);
  return {
    scope: scopeOf(principal),
    ...(agency === undefined ? {} : { responsible: agency }),
    childrenOfGuardian: principal.role === 'guardian',
  };
}

function scopeOf(principal: Principal): Scope {
  const grant = grantFor(principal);
  return grant === undefined ? { national: true } : { grant: grantKey(grant) };
}
