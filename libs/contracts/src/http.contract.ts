import { z } from 'zod';
import {
  ACTORS,
  AGENCY_IDS,
  CLOSE_REASONS,
  DEADLINE_KINDS,
  DURATION_UNITS,
  ON_DUE,
  REFUSAL_CODES,
  RULE_IDS,
  STAGES,
  SUPPORT_KINDS,
} from '../../domain/src/index.js';
import { ROLES, partySchema } from './access.contract.js';
import { AGENCY_COMMAND_TYPES } from './case.contract.js';

/**
 * The HTTP contract's query and header schemas (the bodies of the acts are `actSchemas`, of a referral
 * `referralSchema`). The gateway validates with these; the OpenAPI document is written from them.
 */

/** A whole number written in decimal digits only (`0x10`, `1e2`, ` 5` and `5.0` are refused). */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}, in decimal digits`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

/** The opaque cursor of a listing's next page (from its `Link: <…>; rel="next"` answer header). */
const cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,512}$/, 'must be the cursor of a `next` link, unchanged')
  .optional();

/** One value, or the same parameter repeated (`?kind=a&kind=b`); each one of `values`. */
const oneOrMore = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z
    .union([z.string(), z.array(z.string()).max(20)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.enum(values, { error: `must be ${what}: ${values.join(', ')}` })))
    .optional();

export const listCasesQuerySchema = z.strictObject({
  stage: z.enum(STAGES, { error: `must be one of: ${STAGES.join(', ')}` }).optional(),
  limit: queryInt(1, 200, 50),
  cursor,
});

export const listDeadlinesQuerySchema = z.strictObject({
  /** The horizon: deadlines due within this many days from now (the overdue ones included). */
  days: queryInt(1, 3660, 14),
  kind: oneOrMore(DEADLINE_KINDS, 'deadline kinds'),
  stage: oneOrMore(STAGES, 'stages'),
  /** `true`: only the deadlines already past. */
  overdue: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  limit: queryInt(1, 200, 50),
  cursor,
});

/** An Idempotency-Key header: 8–128 characters of letters, digits, `.`, `_`, `:` or `-`. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of letters, digits, . _ : -')
  .optional();

/*
 * Answers. The gateway's answers as schemas, for the OpenAPI document (and the clients generated from it);
 * the typed-client test validates real answers against them.
 */

const instantText = z.iso.datetime({ offset: false });
const agency = z.enum(AGENCY_IDS);
const actorEnum = z.enum(ACTORS);
const ruleId = z.enum(RULE_IDS);

export const problemSchema = z
  .object({
    type: z.string().describe('`urn:problem:victim-pathway:<code>`'),
    title: z.string().describe('A readable title, e.g. "Extension beyond the cap".'),
    status: z.number().int(),
    instance: z.string().describe('A fresh `urn:uuid:` of this occurrence (never the request URL).'),
    code: z.string().describe('Stable machine code, e.g. `EXTENSION_BEYOND_CAP`, `CASE_NOT_FOUND`.'),
    detail: z.string(),
    rule: ruleId.optional().describe('The rule that refused it (domain refusals).'),
    details: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'Machine-readable numbers and instants, e.g. the cap and the latest end for EXTENSION_BEYOND_CAP.',
      ),
    errors: z
      .array(z.object({ pointer: z.string(), detail: z.string() }))
      .optional()
      .describe('One entry per invalid field (VALIDATION_FAILED).'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (`application/problem+json`).' });

const explanationSchema = z
  .object({
    deadlineId: z.string(),
    kind: z.enum(DEADLINE_KINDS),
    rule: ruleId,
    rules: z.array(ruleId),
    policyVersion: z.string(),
    startsAt: instantText,
    base: z.object({ amount: z.number().int(), unit: z.enum(DURATION_UNITS) }),
    baseEndsAt: instantText,
    extensions: z.array(
      z.object({
        duration: z.object({ amount: z.number().int(), unit: z.enum(DURATION_UNITS) }),
        rule: ruleId,
        ground: z.string(),
        decidedBy: agency,
        decidedAt: instantText,
        endsAt: instantText,
      }),
    ),
    limit: z.object({ rule: ruleId, capDays: z.number().int(), latestEndsAt: instantText }).optional(),
    window: z.object({ opensAt: instantText }).optional(),
    dueAt: instantText,
    timeZone: z.string(),
    dueDate: z.string().describe('The local date of `dueAt`, e.g. 2027-09-01.'),
    summary: z.string(),
  })
  .meta({ id: 'DeadlineExplanation' });

export const deadlineSchema = z
  .object({
    id: z.string(),
    kind: z.enum(DEADLINE_KINDS),
    rule: ruleId,
    dueAt: instantText,
    responsible: agency,
    onDue: z.enum(ON_DUE),
    explanation: explanationSchema,
  })
  .meta({ id: 'Deadline', description: 'A running deadline, who must act, and why it falls when it does.' });

const nextStepSchema = z
  .object({
    deadlineId: z.string(),
    deadlineKind: z.enum(DEADLINE_KINDS),
    rule: z.string(),
    responsible: agency,
    dueAt: instantText,
    reminders: z.array(
      z.object({
        at: instantText,
        to: z.array(agency),
        past: z.boolean(),
        movedBecause: z.string().optional(),
      }),
    ),
    atDeadline: z.string(),
    escalation: z.object({ at: instantText, to: z.array(agency) }).optional(),
    text: z.string().describe('The whole in one paragraph, for a caseworker.'),
  })
  .meta({ id: 'NextStep' });

const supportOfferSchema = z
  .object({
    kind: z.enum(SUPPORT_KINDS),
    rule: z.string(),
    providers: z.array(z.object({ agency, name: z.string() })),
    dependsOnCooperation: z.literal(false),
    conditions: z.array(z.string()),
  })
  .meta({ id: 'SupportOffer' });

const grantViewSchema = z.object({
  role: z.enum(ROLES),
  party: z.string(),
  by: agency,
  at: instantText,
});

export const caseViewSchema = z
  .object({
    caseRef: z.string(),
    stage: z.enum([...STAGES, 'not-started']),
    policyVersion: z.string().optional(),
    deadlines: z.array(deadlineSchema),
    next: z.object({ at: instantText, kind: z.string(), deadlineId: z.string() }).optional(),
    timeline: z.array(
      z.object({
        seq: z.number().int(),
        at: instantText,
        type: z.string(),
        by: actorEnum.optional(),
        via: agency.optional(),
      }),
    ),
    closed: z.object({ at: instantText, reason: z.enum(CLOSE_REASONS) }).optional(),
    state: z
      .object({ stage: z.enum([...STAGES, 'not-started']) })
      .catchall(z.unknown())
      .describe('The case state, with only the sections the caller’s role may see.'),
    access: z.array(grantViewSchema).optional(),
    undeliverable: z.array(z.object({ key: z.string(), type: z.string(), at: instantText })).optional(),
    support: z.array(supportOfferSchema).optional(),
    nextSteps: z.array(nextStepSchema).optional(),
    person: z
      .object({
        state: z.enum(['none', 'held', 'erased']),
        present: z.array(z.string()),
        erasure: z
          .object({ at: instantText, byRole: z.string(), byOrg: z.string(), reason: z.string() })
          .optional(),
      })
      .optional()
      .describe(
        'Whether the case holds a person record and which sections, or when and on whose decision it was erased; never the values (read `…/person`).',
      ),
  })
  .meta({ id: 'CaseView', description: 'A case as the caller’s role may see it (need to know).' });

export const availableActSchema = z
  .object({
    act: z.enum(AGENCY_COMMAND_TYPES),
    /** The act's route under the case: `POST /<role>/cases/{caseRef}/<path>`. */
    path: z.string(),
    available: z.boolean(),
    choices: z
      .array(z.record(z.string(), z.union([z.string(), z.boolean()])).readonly())
      .readonly()
      .optional()
      .describe('The choices the rules accept now (an outcome, a reason, a kind of change), field by field.'),
    actors: z
      .array(z.enum(['agency', 'victim']))
      .readonly()
      .optional()
      .describe(
        'Who may be recorded as acting: your agency, the victim through it (`onBehalfOfVictim`), or both.',
      ),
    maxDays: z
      .number()
      .int()
      .optional()
      .describe('The largest number of days the rules accept now (R5’s cap).'),
    done: z.literal(true).optional().describe('Not available because it is done (it would record nothing).'),
    refusal: z
      .object({
        code: z.enum(REFUSAL_CODES),
        reason: z.string(),
        rule: z.enum(RULE_IDS).optional(),
        details: z
          .record(z.string(), z.union([z.string(), z.number()]))
          .readonly()
          .optional(),
      })
      .optional()
      .describe('Why it is not available now: the refusal the act would get, with its rule.'),
  })
  .meta({
    id: 'AvailableAct',
    description: 'One act your role may take on the case, and whether it may now.',
  });

export const availableActsSchema = z
  .object({
    caseRef: z.string(),
    stage: z.enum([...STAGES, 'not-started']),
    acts: z.array(availableActSchema).readonly(),
  })
  .meta({
    id: 'AvailableActs',
    description:
      'The acts your role may take on the case, each with whether the rules accept it now: the domain’s own decision, tried on the case as it is.',
  });

export type AvailableActs = z.infer<typeof availableActsSchema>;

export const acceptedSchema = z
  .object({ caseRef: z.string(), status: z.literal('accepted'), detail: z.string() })
  .meta({ id: 'CaseAccepted', description: 'Opened, but not yet readable: read it at `Location` later.' });

export const caseloadEntrySchema = z
  .object({
    caseRef: z.string(),
    stage: z.string().optional(),
    openedAt: instantText.optional(),
    policyVersion: z.string().optional(),
    /** Who must meet the soonest running deadline, and when it is due. */
    responsibleAgency: z.string().optional(),
    nextDeadline: instantText.optional(),
  })
  .meta({ id: 'CaseloadEntry', description: 'An open case in your scope (newest first).' });

export const deadlineEntrySchema = z
  .object({ caseRef: z.string(), stage: z.string(), deadline: deadlineSchema })
  .meta({
    id: 'DeadlineEntry',
    description: 'A running deadline your agency must meet (soonest first), with its case and explanation.',
  });

export const caseloadCountsSchema = z
  .object({ total: z.number().int(), stages: z.record(z.string(), z.number().int()) })
  .meta({ id: 'CaseloadCounts', description: 'Open cases in your scope, per stage.' });

export const directorySchema = z
  .object({
    policyVersion: z.string(),
    timeZone: z.string(),
    agencies: z.array(
      z.object({
        id: agency,
        name: z.string(),
        role: z.string(),
        organisations: z.array(
          z.object({
            name: z.string(),
            phone: z.string().optional(),
            hotline: z.string().optional(),
            hours: z.string().optional(),
            email: z.string().optional(),
            secureEmail: z.string().optional(),
            url: z.string().optional(),
            openNow: z.boolean().optional(),
            nextOpensAt: instantText.optional(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Directory' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.enum(['up', 'down'])),
    /** The read model's projection (issue 14): audit events not read yet, and gaps seen. */
    readModel: z.object({ lagEvents: z.number().int().optional(), gaps: z.number().int() }).optional(),
  })
  .meta({ id: 'Readiness' });

/**
 * The embedded default's local sign-in (`POST /auth/local/token`, the console's sign-in page): who to sign in
 * as. The gateway has this route only when it signs with local keys (no external issuer).
 */
export const localSignInSchema = z
  .strictObject({
    role: z.enum(ROLES, { error: `must be one of: ${ROLES.join(', ')}` }),
    org: partySchema,
  })
  .meta({
    id: 'LocalSignInRequest',
    description: 'The role and organisation to sign in as (the embedded default only).',
  });

/**
 * How the caseworker console signs in on this gateway (`GET /auth/config`, no token): `local` in the embedded
 * default (`POST /auth/local/token`), `oidc` with an external issuer (authorization code with PKCE, ADR 0021),
 * `none` when neither is configured (tokens from elsewhere only).
 */
export const signInConfigSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('local') }),
    z.object({
      mode: z.literal('oidc'),
      /** The issuer's URL: its discovery document is `<issuer>/.well-known/openid-configuration`. */
      issuer: z.string(),
      /** The console's public client at the issuer. */
      clientId: z.string(),
      /** The scopes to ask for, space-separated, `openid` first. */
      scope: z.string(),
      /** A resource indicator (RFC 8707) to send, when the issuer needs one for the gateway's audience. */
      resource: z.string().optional(),
    }),
    z.object({ mode: z.literal('none') }),
  ])
  .meta({
    id: 'SignInConfig',
    description:
      'How the console signs in: `local` (the embedded default’s `POST /auth/local/token`), `oidc` (authorization code with PKCE at `issuer` as the public client `clientId`), or `none` (no sign-in offered: bring a token).',
  });

export const localSessionSchema = z
  .object({
    token: z.string(),
    tokenType: z.literal('Bearer'),
    expiresAt: instantText,
    role: z.enum(ROLES),
    org: z.string(),
  })
  .meta({
    id: 'LocalSession',
    description:
      'A short-lived bearer token signed with the gateway’s local key. Keep it in memory; send it as `Authorization: Bearer`.',
  });
