import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  grantBodySchema,
  isVictimAct,
  ROLE_SCOPE,
  type Operation,
} from '../../../../libs/access/src/index.js';
import {
  AGENCY_COMMAND_TYPES,
  ROLES,
  acceptedSchema,
  actSchemas,
  availableActsSchema,
  caseloadEntrySchema,
  caseloadCountsSchema,
  calendarFeedSchema,
  createCalendarFeedBodySchema,
  createdCalendarFeedSchema,
  deadlineCalendarQuerySchema,
  deadlineEntrySchema,
  caseNoteSchema,
  caseViewSchema,
  directorySchema,
  erasureBodySchema,
  noteViewSchema,
  codecPayloadsSchema,
  personChangeSchema,
  personExportSchema,
  personViewSchema,
  listCasesQuerySchema,
  listDeadlinesQuerySchema,
  localSessionSchema,
  signInConfigSchema,
  problemSchema,
  readinessSchema,
  referralSchema,
  type Role,
} from '../../../../libs/contracts/src/index.js';
import { CASE_REF_PATTERN } from '../../../../libs/domain/src/index.js';
import { agencyRoutes, isAct, type AgencyRoute } from './agency-routes.js';
import { OPERATION_DOCS, ROLE_TITLES } from './openapi.docs.js';

export const OPENAPI_PATH = 'docs';

type Json = Record<string, unknown>;

/** The package's version (the API reports the version it is). */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'victim-pathway' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
  }
  return '0.0.0';
}

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const problem = (description: string): Json => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const without = (node: Json, ...keys: string[]): Json =>
  Object.fromEntries(Object.entries(node).filter(([key]) => !keys.includes(key)));

/** A request schema as JSON Schema 2020-12 (OpenAPI 3.1), without the actor fields the token supplies. */
function bodySchema(schema: z.ZodType, victimAct: boolean): Json {
  const full = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Json;
  const strip = (node: Json): Json => {
    if (Array.isArray(node['anyOf'])) return { ...node, anyOf: (node['anyOf'] as Json[]).map(strip) };
    if (Array.isArray(node['oneOf'])) return { ...node, oneOf: (node['oneOf'] as Json[]).map(strip) };
    const properties = Object.fromEntries(
      Object.entries((node['properties'] ?? {}) as Json).filter(([name]) => name !== 'by' && name !== 'via'),
    );
    const required = ((node['required'] ?? []) as string[]).filter((name) => name !== 'by' && name !== 'via');
    return {
      ...without(node, 'required'),
      properties: {
        ...properties,
        ...(victimAct
          ? {
              onBehalfOfVictim: {
                type: 'boolean',
                description: 'Record the act as the victim’s own, made with your agency’s help (R6).',
              },
            }
          : {}),
      },
      ...(required.length > 0 ? { required } : {}),
    };
  };
  return without(strip(full), '$schema');
}

/** The component name of an operation's request body: `RecordInterviewRequest`. */
const requestName = (operation: Operation): string =>
  `${operation.charAt(0).toUpperCase()}${operation.slice(1)}Request`;

/** Every request body, once, as a component that each role's operation refers to. */
function requestSchemas(): Record<string, Json> {
  const bodies: Array<[Operation, Json]> = [
    ['openCase', bodySchema(referralSchema, false)],
    ['grantAccess', bodySchema(grantBodySchema, false)],
    ['recordPerson', bodySchema(personChangeSchema, false)],
    ['addCaseNote', bodySchema(caseNoteSchema, false)],
    ['erasePerson', bodySchema(erasureBodySchema, false)],
    ['createCalendarFeed', bodySchema(createCalendarFeedBodySchema, false)],
    ...AGENCY_COMMAND_TYPES.map((act): [Operation, Json] => [
      act,
      bodySchema(actSchemas[act], isVictimAct(act)),
    ]),
  ];
  return Object.fromEntries(bodies.map(([operation, schema]) => [requestName(operation), schema]));
}

const requestBodyOf = (operation: Operation): Json => ({
  required: true,
  ...json(ref(requestName(operation))),
});

/**
 * A query schema's fields as OpenAPI query parameters: typed as what they mean (`limit` is an integer from
 * 1 to 200), which is what the gateway parses the text into; optional where the schema has a default.
 */
function queryParameters(schema: z.ZodType): Json[] {
  const meaning = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as {
    properties?: Record<string, Json>;
  };
  const wire = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as { required?: string[] };
  return Object.entries(meaning.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: (wire.required ?? []).includes(name),
    schema: property,
  }));
}

const AUTH = ['401', '403'] as const;
const ERRORS: Record<string, string> = {
  '400':
    'The request does not match the contract (VALIDATION_FAILED with a pointer per field; BODY_REQUIRED; malformed JSON).',
  '401':
    'No valid bearer token (TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_EXPIRED, TOKEN_INVALID, CLAIMS_INVALID).',
  '403':
    'The token’s role is not this gateway’s (WRONG_ROLE), the role may not do this (OPERATION_NOT_PERMITTED), or may not record these sections of the person (SECTION_NOT_PERMITTED).',
  '404': 'No case with this reference in your scope (CASE_NOT_FOUND): unknown and foreign cases look alike.',
  FeedNotFound:
    'No such calendar feed (FEED_NOT_FOUND): unknown, revoked, another caller’s and another gateway’s feeds look alike.',
  '409':
    'Not possible now (NOT_IN_STAGE, CASE_CLOSED, DEADLINE_PASSED, APPLICATION_PENDING, NO_PENDING_APPLICATION, GRANT_NOT_FOUND; PERSON_VERSION_CONFLICT: the person record changed since you read it; PERSON_ERASED).',
  '413': 'The body is larger than 64 kB (PAYLOAD_TOO_LARGE).',
  '415': 'The body is not application/json (UNSUPPORTED_MEDIA_TYPE): a form post is never applied.',
  '422':
    'Refused by a rule (e.g. EXTENSION_BEYOND_CAP, WRONG_AUTHORITY, INVESTIGATION_ENDED, ACTOR_NOT_PERMITTED; with its rule and details), IDEMPOTENCY_KEY_REUSED, or NOTE_NOT_FOUND: nothing changed.',
  FeedLimit:
    'You already hold the most active calendar feeds one caller may (FEED_LIMIT_REACHED): revoke one first.',
  '503':
    'Temporal or its workers did not answer in time (SERVICE_UNAVAILABLE), or the access record could not be stored (ACCESS_LOG_UNAVAILABLE): nothing was disclosed. `Retry-After` says when to try again; retry an act with the same Idempotency-Key.',
};

/** The problem answers, once, as components (`#/components/responses/Status404`, `…/FeedNotFound`). */
const errorResponses = (): Json =>
  Object.fromEntries(
    Object.entries(ERRORS).map(([status, description]) => [
      /^\d+$/.test(status) ? `Status${status}` : status,
      problem(description),
    ]),
  );

/** A problem answer of the components that is not the generic one of its status. */
const errorAs = (status: string, name: 'FeedNotFound' | 'FeedLimit'): Json => ({
  [status]: { $ref: `#/components/responses/${name}` },
});

function errors(...statuses: Array<keyof typeof ERRORS>): Json {
  return Object.fromEntries(
    statuses.map((status) => [status, { $ref: `#/components/responses/Status${status}` }]),
  );
}

const REQUEST_ID = { $ref: '#/components/parameters/RequestId' };
const IDEMPOTENCY_KEY = { $ref: '#/components/parameters/IdempotencyKey' };
const CASE_REF = { $ref: '#/components/parameters/CaseRef' };
const REPLAYED = { $ref: '#/components/headers/IdempotentReplayed' };
const LOCATION = { $ref: '#/components/headers/Location' };
/** The next page of a listing (RFC 8288), absent on the last page. */
const NEXT_LINK = {
  description: 'The next page: `<…?cursor=…>; rel="next"` (same filters); absent on the last page.',
  schema: { type: 'string' },
};

function operationOf(route: AgencyRoute): Json {
  const { role, operation } = route;
  const docs = OPERATION_DOCS[operation];
  const base = {
    operationId: `${role}_${operation}`,
    tags: [role],
    security: [{ bearer: [] }],
    summary: docs.summary,
    ...(docs.description ? { description: docs.description } : {}),
  };
  const view = { description: 'The case as your role may see it.', ...json(ref('CaseView')) };
  switch (operation) {
    case 'openCase':
      return {
        ...base,
        parameters: [IDEMPOTENCY_KEY, REQUEST_ID],
        requestBody: requestBodyOf('openCase'),
        responses: {
          '201': {
            ...view,
            description:
              'The case is open, as it opened (its first view, built by the gateway: no worker is needed); `Location` names it.',
            headers: { Location: LOCATION, 'Idempotent-Replayed': REPLAYED },
          },
          '202': {
            description:
              'The case was opened, but Temporal did not confirm the start in time (it was found afterwards): read it at `Location` later; do not open it again.',
            headers: { Location: LOCATION },
            ...json(ref('CaseAccepted')),
          },
          ...errors('400', ...AUTH, '413', '415', '422', '503'),
        },
      };
    case 'viewCase':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        responses: { '200': view, ...errors('400', ...AUTH, '404', '503') },
      };
    case 'availableActs':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        responses: {
          '200': {
            description: 'Every act your role may take, available now or not.',
            ...json(ref('AvailableActs')),
          },
          ...errors('400', ...AUTH, '404', '503'),
        },
      };
    case 'listCases':
    case 'listDeadlines':
      return {
        ...base,
        parameters: [
          ...queryParameters(operation === 'listCases' ? listCasesQuerySchema : listDeadlinesQuerySchema),
          REQUEST_ID,
        ],
        responses: {
          '200': {
            description:
              operation === 'listCases'
                ? 'One row per open case, newest first (no personal data).'
                : 'One row per running deadline, soonest first (no personal data).',
            headers: { Link: NEXT_LINK },
            ...json({
              type: 'array',
              items: ref(operation === 'listCases' ? 'CaseloadEntry' : 'DeadlineEntry'),
            }),
          },
          ...errors('400', ...AUTH, '503'),
        },
      };
    case 'caseloadCounts':
      return {
        ...base,
        parameters: [REQUEST_ID],
        responses: {
          '200': { description: 'Open cases per stage.', ...json(ref('CaseloadCounts')) },
          ...errors(...AUTH, '503'),
        },
      };
    case 'grantAccess':
      return {
        ...base,
        parameters: [CASE_REF, IDEMPOTENCY_KEY, REQUEST_ID],
        requestBody: requestBodyOf('grantAccess'),
        responses: {
          '200': {
            ...view,
            description: 'The grant holds (granting it again changes nothing).',
            headers: { 'Idempotent-Replayed': REPLAYED },
          },
          ...errors('400', ...AUTH, '404', '409', '413', '415', '422', '503'),
        },
      };
    case 'revokeAccess':
      return {
        ...base,
        parameters: [
          CASE_REF,
          { name: 'grantRole', in: 'path', required: true, schema: { type: 'string', enum: [...ROLES] } },
          {
            name: 'party',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:|-]{0,254}$' },
          },
          IDEMPOTENCY_KEY,
          REQUEST_ID,
        ],
        responses: {
          '200': {
            ...view,
            description:
              'The grant is gone. Retried with its Idempotency-Key after a lost answer, the first answer again (`Idempotent-Replayed: true`), not 409 GRANT_NOT_FOUND.',
            headers: { 'Idempotent-Replayed': REPLAYED },
          },
          ...errors('400', ...AUTH, '404', '409', '422', '503'),
        },
      };
    case 'viewPerson':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        responses: {
          '200': { description: 'The person as your role may see it.', ...json(ref('PersonView')) },
          ...errors('400', ...AUTH, '404', '503'),
        },
      };
    case 'recordPerson':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        requestBody: requestBodyOf('recordPerson'),
        responses: {
          '200': { description: 'Recorded: the person as your role may see it.', ...json(ref('PersonView')) },
          ...errors('400', ...AUTH, '404', '409', '413', '415', '503'),
        },
      };
    case 'addCaseNote':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        requestBody: requestBodyOf('addCaseNote'),
        responses: {
          '201': { description: 'The note, numbered in the case.', ...json(ref('CaseNote')) },
          ...errors('400', ...AUTH, '404', '409', '413', '415', '422', '503'),
        },
      };
    case 'exportPerson':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        responses: {
          '200': { description: 'The export (access-logged).', ...json(ref('PersonExport')) },
          ...errors('400', ...AUTH, '404', '503'),
        },
      };
    case 'erasePerson':
      return {
        ...base,
        parameters: [CASE_REF, REQUEST_ID],
        requestBody: requestBodyOf('erasePerson'),
        responses: {
          '200': { description: 'Erased (or erased before): the erasure.', ...json(ref('PersonView')) },
          ...errors('400', ...AUTH, '404', '413', '415', '503'),
        },
      };
    case 'createCalendarFeed':
      return {
        ...base,
        parameters: [REQUEST_ID],
        requestBody: requestBodyOf('createCalendarFeed'),
        responses: {
          '201': {
            description: 'The feed, and its address with the secret: shown this once.',
            ...json(ref('CreatedCalendarFeed')),
          },
          ...errors('400', ...AUTH),
          ...errorAs('409', 'FeedLimit'),
          ...errors('413', '415', '503'),
        },
      };
    case 'listCalendarFeeds':
      return {
        ...base,
        parameters: [REQUEST_ID],
        responses: {
          '200': {
            description: 'Your active feeds (never their secrets).',
            ...json({ type: 'array', items: ref('CalendarFeed') }),
          },
          ...errors(...AUTH, '503'),
        },
      };
    case 'revokeCalendarFeed':
      return {
        ...base,
        parameters: [
          {
            name: 'feedId',
            in: 'path',
            required: true,
            description: 'The feed’s id (from its creation or the list of your feeds).',
            schema: { type: 'string', format: 'uuid' },
          },
          REQUEST_ID,
        ],
        responses: {
          '204': { description: 'Revoked: its address answers 404 from now on.' },
          ...errors('400', ...AUTH),
          ...errorAs('404', 'FeedNotFound'),
          ...errors('503'),
        },
      };
    case 'deadlineCalendar':
      return {
        ...base,
        // The feed's secret is its credential: a calendar client sends no bearer header.
        security: [{ feedToken: [] }],
        parameters: [...queryParameters(deadlineCalendarQuerySchema), REQUEST_ID],
        responses: {
          '200': {
            description:
              'The deadlines as iCalendar: one VEVENT per deadline, a VALARM per reminder to come (`Cache-Control: private, no-store`).',
            content: { 'text/calendar': { schema: { type: 'string' } } },
          },
          ...errors('400'),
          ...errorAs('404', 'FeedNotFound'),
          ...errors('503'),
        },
      };
    case 'decodePayloads':
    case 'encodePayloads':
      return {
        ...base,
        parameters: [REQUEST_ID],
        requestBody: { required: true, ...json(ref('CodecPayloads')) },
        responses: {
          '200': {
            description:
              operation === 'decodePayloads'
                ? 'The payloads, opened where the project’s codec sealed them.'
                : 'The payloads, sealed with the current payload key.',
            ...json(ref('CodecPayloads')),
          },
          ...errors('400', ...AUTH, '413', '415', '503'),
        },
      };
    default: {
      if (!isAct(operation)) throw new Error(`no document for ${operation as string}`);
      return {
        ...base,
        parameters: [CASE_REF, IDEMPOTENCY_KEY, REQUEST_ID],
        requestBody: requestBodyOf(operation),
        responses: {
          '200': {
            ...view,
            description: 'Done: the case as your role may see it.',
            headers: { 'Idempotent-Replayed': REPLAYED },
          },
          ...errors('400', ...AUTH, '404', '409', '413', '415', '422', '503'),
        },
      };
    }
  }
}

/** The express path `/cmm/cases/:caseRef/x` as an OpenAPI path `/cmm/cases/{caseRef}/x`. */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/**
 * The gateway's OpenAPI 3.1 document, from the route table (every operation the access matrix gives a role)
 * and the same zod schemas the gateway validates with; answers as named component schemas. Written to
 * `docs/openapi.json` by `npm run openapi` and served at `/docs`.
 */
export function openApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of agencyRoutes().filter((r) => r.permitted)) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route) };
  }
  paths['/directory'] = {
    get: {
      operationId: 'directory',
      tags: ['directory'],
      summary:
        'The agencies of the pathway: their roles and contacts (CMM’s hotline: open now or when it opens)',
      parameters: [REQUEST_ID],
      responses: {
        '200': { description: 'The directory of the policy in force.', ...json(ref('Directory')) },
        ...errors('401'),
      },
    },
  };
  paths['/auth/local/token'] = {
    post: {
      operationId: 'localSignIn',
      tags: ['local-sign-in'],
      summary: 'Sign in as a role and organisation with the local keys (the embedded default only)',
      description:
        'Mints a 30-minute bearer token signed with the gateway’s local key, as `npm run token` does; the caseworker console’s sign-in page calls it. This route exists only when the gateway verifies tokens with local keys and holds the private key (`npm start`); with an external issuer (`AUTH_JWKS_URL`) it is absent (404).',
      security: [],
      parameters: [REQUEST_ID],
      requestBody: { required: true, ...json(ref('LocalSignInRequest')) },
      responses: {
        '200': { description: 'Signed in: the token and when it expires.', ...json(ref('LocalSession')) },
        ...errors('400', '413', '415'),
        '404': problem('No local sign-in here: this gateway uses an external issuer (NOT_FOUND).'),
      },
    },
  };
  paths['/auth/config'] = {
    get: {
      operationId: 'signInConfig',
      tags: ['sign-in'],
      summary: 'How the caseworker console signs in on this gateway: local, OpenID Connect, or none',
      description:
        '`local` in the embedded default (`POST /auth/local/token`); `oidc` when an external issuer and the console’s client there are configured (`AUTH_JWKS_URL`, `OIDC_CLIENT_ID`): the console runs the authorization code flow with PKCE at `issuer` and sends the access token it gets as `Authorization: Bearer`; `none` otherwise (bring a token from elsewhere). Public: it names no secret.',
      security: [],
      parameters: [REQUEST_ID],
      responses: {
        '200': { description: 'How to sign in.', ...json(ref('SignInConfig')) },
      },
    },
  };
  paths['/health'] = {
    get: {
      operationId: 'liveness',
      tags: ['health'],
      summary: 'Liveness: the gateway process answers',
      security: [],
      responses: {
        '200': {
          description: 'Alive.',
          ...json({ type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }),
        },
      },
    },
  };
  paths['/health/ready'] = {
    get: {
      operationId: 'readiness',
      tags: ['health'],
      summary: 'Readiness: Temporal, Kafka and PostgreSQL reachable and a worker answering on the task queue',
      security: [],
      responses: {
        '200': { description: 'Ready.', ...json(ref('Readiness')) },
        '503': { description: 'Not ready: `checks` names what is down.', ...json(ref('Readiness')) },
      },
    },
  };
  // The answers' schemas carry their component id (`.meta({ id })`): zod writes them, and every schema they
  // use that has an id too, as components that refer to each other.
  for (const schema of [
    problemSchema,
    caseViewSchema,
    availableActsSchema,
    acceptedSchema,
    caseloadEntrySchema,
    deadlineEntrySchema,
    caseloadCountsSchema,
    directorySchema,
    readinessSchema,
    personViewSchema,
    personExportSchema,
    noteViewSchema,
    codecPayloadsSchema,
    localSessionSchema,
    calendarFeedSchema,
    createdCalendarFeedSchema,
    signInConfigSchema,
  ]) {
    if (z.globalRegistry.get(schema)?.id === undefined)
      throw new Error('an answer schema has no component id');
  }
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      return [id, without(schema, '$schema', '$id')];
    }),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Victim pathway gateway',
      version: packageVersion(),
      license: { name: 'MIT', identifier: 'MIT' },
      description: [
        'Agency gateways to the durable support pathways of presumed victims of human trafficking in Denmark.',
        '',
        'One gateway per role (`/cmm`, `/dis`, `/police`, `/iom`, `/ngo`, `/guardian`, `/auditor`, …). Every call carries a bearer JWT whose `role` claim must be the gateway’s role and whose `org` (or, for a guardian, `sub`) decides which cases it sees: national bodies see every case, the others only cases granted to them. Each act is a Temporal Update: answered synchronously, validated by the rules, and made idempotent by the `Idempotency-Key` header (bound to your organisation, the act, the case and the body). Errors are RFC 9457 problem+json with a stable `code`; outages are 503 with `Retry-After`, never 500.',
      ].join('\n'),
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'The embedded default (`npm start`)' }],
    security: [{ bearer: [] }],
    tags: [
      ...ROLES.map((role: Role) => ({
        name: role,
        description: `${ROLE_TITLES[role]} — sees ${ROLE_SCOPE[role] === 'national' ? 'every case' : 'only the cases granted to your organisation or subject'}`,
      })),
      { name: 'directory', description: 'The agency directory (any authenticated role).' },
      { name: 'health', description: 'Liveness and readiness (no token).' },
      { name: 'sign-in', description: 'How the caseworker console signs in (no token).' },
      {
        name: 'local-sign-in',
        description: 'The embedded default’s sign-in for the caseworker console (no token; local keys only).',
      },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        feedToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'A calendar feed’s secret (ADR 0020), from `POST /<role>/calendar-feeds`: for `GET /<role>/deadlines.ics` only.',
        },
      },
      schemas: { ...components, ...requestSchemas() },
      responses: errorResponses(),
      parameters: {
        CaseRef: {
          name: 'caseRef',
          in: 'path',
          required: true,
          description: 'The case’s pseudonymous reference.',
          schema: { type: 'string', pattern: CASE_REF_PATTERN.source, examples: ['PW-7K2M9Q4X1D3F'] },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'The same request again has one effect and gets the first answer (`Idempotent-Replayed: true`); any other request under the key is 422 IDEMPOTENCY_KEY_REUSED and changes nothing.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
        },
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description: 'Your id of this request: echoed in the answer and kept in the access record.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
        },
      },
      headers: {
        IdempotentReplayed: {
          description: '`true` when this answer repeats the first answer to the same request.',
          schema: { type: 'string', enum: ['true'] },
        },
        Location: { description: 'The case’s address on your gateway.', schema: { type: 'string' } },
      },
    },
  };
}
