import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  SetMetadata,
  UseGuards,
  type Type,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  grantBodySchema,
  isVictimAct,
  ROLE_SCOPE,
  type Operation,
} from '../../../../libs/access/src/index.js';
import {
  actSchemas,
  caseRefSchema,
  idempotencyKeySchema,
  referralSchema,
  type Role,
} from '../../../../libs/contracts/src/index.js';
import { STAGES, type CaseRef } from '../../../../libs/domain/src/index.js';
import { AccessGuard, ROUTE_ACCESS, type AuthenticatedRequest } from '../auth/access.guard.js';
import { requireJsonBody } from '../http/http-edges.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { agencyRoutes, isAct, type AgencyRoute } from '../http/agency-routes.js';
import { CaseGatewayService, type CaseAnswer } from './case-gateway.service.js';

const ROLE_TITLES: { readonly [R in Role]: string } = {
  cmm: 'CMM caseworker (Danish Centre against Human Trafficking)',
  dis: 'DIS officer (Danish Immigration Service)',
  siri: 'SIRI officer',
  police: 'Police investigator',
  prosecution: 'Prosecutor',
  court: 'Court',
  iom: 'IOM officer (assisted return and reintegration)',
  ngo: 'NGO worker',
  shelter: 'Shelter worker',
  municipality: 'Municipality officer',
  'red-cross': 'Red Cross (screening of unaccompanied minors)',
  guardian: 'Guardian of a child',
  auditor: 'Auditor (read only)',
};

/** The JSON Schema of a request body: the contract's schema without `by`, which the token supplies. */
function bodySchema(schema: z.ZodType, victimAct: boolean): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const strip = (node: Record<string, unknown>): Record<string, unknown> => {
    if (Array.isArray(node['anyOf'])) {
      return { ...node, anyOf: (node['anyOf'] as Record<string, unknown>[]).map(strip) };
    }
    const properties = Object.fromEntries(
      Object.entries((node['properties'] ?? {}) as Record<string, unknown>).filter(
        ([name]) => name !== 'by' && name !== 'via',
      ),
    );
    const required = ((node['required'] ?? []) as string[]).filter((name) => name !== 'by' && name !== 'via');
    return {
      ...node,
      properties: {
        ...properties,
        ...(victimAct
          ? {
              onBehalfOfVictim: {
                type: 'boolean',
                description: 'Record the act as the victim’s own (the victim acts through your agency).',
              },
            }
          : {}),
      },
      ...(required.length > 0 ? { required } : { required: undefined }),
    };
  };
  const rest = Object.fromEntries(Object.entries(strip(json)).filter(([key]) => key !== '$schema'));
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

const caseRefParam = ApiParam({ name: 'caseRef', example: 'PW-7K2M9Q4X1D3F' });
/** One response per status: several reasons for one status are listed together. */
function problems(statuses: Array<[number, string]>): MethodDecorator[] {
  const byStatus = new Map<number, string[]>();
  for (const [status, description] of statuses)
    byStatus.set(status, [...(byStatus.get(status) ?? []), description]);
  return [...byStatus].map(([status, reasons]) =>
    ApiResponse({ status, description: reasons.join(' Or: ') }),
  );
}
const AUTH_PROBLEMS: Array<[number, string]> = [
  [
    401,
    'No valid bearer token (TOKEN_MISSING, TOKEN_MALFORMED, TOKEN_EXPIRED, TOKEN_INVALID, CLAIMS_INVALID).',
  ],
  [403, 'The token’s role is not this gateway’s (WRONG_ROLE).'],
];
const CASE_PROBLEMS: Array<[number, string]> = [
  [400, 'The request does not match the contract (VALIDATION_FAILED, with a pointer per field).'],
  [404, 'No case with this reference in your scope (CASE_NOT_FOUND): unknown and foreign cases look alike.'],
];
/** Every route: outages are 503 with Retry-After, never a hang or a 500. */
const OUTAGE_PROBLEMS: Array<[number, string]> = [
  [
    503,
    'Temporal or its workers did not answer within the configured time (SERVICE_UNAVAILABLE), or the access record could not be stored (ACCESS_LOG_UNAVAILABLE): nothing was disclosed. `Retry-After` says when to try again; retry an act with the same Idempotency-Key.',
  ],
];
/** Routes that take a body. */
const BODY_PROBLEMS: Array<[number, string]> = [
  [400, 'No body (BODY_REQUIRED: send {} for an act without fields) or a malformed one.'],
  [413, 'The body is larger than 64 kB (PAYLOAD_TOO_LARGE).'],
  [415, 'The body is not application/json (UNSUPPORTED_MEDIA_TYPE): a form post is never applied.'],
];
const KEY_PROBLEM: [number, string] = [
  422,
  'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used before for another request (another act, case or body); nothing changed.',
];

function documentation(route: AgencyRoute): MethodDecorator[] {
  const { role, operation } = route;
  const operationId = `${role}_${operation}`;
  const common: Array<[number, string]> = [...AUTH_PROBLEMS, ...OUTAGE_PROBLEMS];
  switch (operation) {
    case 'openCase':
      return [
        ApiOperation({
          operationId,
          summary: 'Open a case pathway for a presumed victim (first encounter or asylum screening, R1/R3)',
          description:
            'The case gets a fresh pseudonymous reference. The referring organisation keeps access to it.',
        }),
        ApiBody({ schema: bodySchema(referralSchema, false) }),
        ApiHeader({
          name: 'Idempotency-Key',
          required: false,
          description:
            'A retried referral with the same key (from the same organisation) answers with the case the first one opened (`Idempotent-Replayed: true`), instead of opening a second case for the same person. The key is bound to the referral: another referral under it is refused (422 IDEMPOTENCY_KEY_REUSED).',
        }),
        ApiResponse({
          status: 201,
          description: 'The case is open; its reference is `caseRef` and `Location` names it.',
        }),
        ApiResponse({
          status: 202,
          description:
            'The case was opened but its first view could not be read in time (the workers are away): `caseRef` and `Location` name it. Read it there later; do not open it again.',
        }),
        ...problems([
          ...common,
          [400, 'The body does not match the contract (VALIDATION_FAILED).'],
          ...BODY_PROBLEMS,
          KEY_PROBLEM,
          [422, 'Refused by a rule (e.g. ACTOR_NOT_PERMITTED for a channel you do not run).'],
        ]),
      ];
    case 'viewCase':
      return [
        ApiOperation({
          operationId,
          summary: 'The case as your role may see it: stage, running deadlines with explanations, timeline',
        }),
        caseRefParam,
        ApiResponse({ status: 200, description: 'The case, with only the sections your role needs.' }),
        ...problems([...common, ...CASE_PROBLEMS]),
      ];
    case 'listCases':
      return [
        ApiOperation({ operationId, summary: 'Open cases in your scope, optionally in one stage' }),
        ApiQuery({ name: 'stage', required: false, enum: [...STAGES] }),
        ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } }),
        ApiResponse({
          status: 200,
          description: 'caseRef, stage, responsibleAgency, nextDeadline per case.',
        }),
        ...problems([...common, [400, 'Bad query (VALIDATION_FAILED).']]),
      ];
    case 'listDeadlines':
      return [
        ApiOperation({
          operationId,
          summary: 'My deadlines: open cases in scope whose next deadline is yours and falls within `days`',
        }),
        ApiQuery({ name: 'days', required: false, schema: { type: 'integer', minimum: 1, maximum: 366 } }),
        ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } }),
        ApiResponse({ status: 200, description: 'Soonest first.' }),
        ...problems([...common, [400, 'Bad query (VALIDATION_FAILED).']]),
      ];
    case 'grantAccess':
      return [
        ApiOperation({
          operationId,
          summary:
            'Give a role’s party access to the case: assign an NGO or shelter, link a police unit, hand over to IOM, register a guardian',
        }),
        caseRefParam,
        ApiBody({ schema: bodySchema(grantBodySchema, false) }),
        ApiResponse({ status: 200, description: 'The grant holds (granting it again changes nothing).' }),
        ...problems([...common, ...CASE_PROBLEMS, [409, 'The case is closed (CASE_CLOSED).']]),
      ];
    case 'revokeAccess':
      return [
        ApiOperation({ operationId, summary: 'Withdraw a grant' }),
        caseRefParam,
        ApiParam({ name: 'grantRole' }),
        ApiParam({ name: 'party' }),
        ApiResponse({ status: 200, description: 'The grant is gone.' }),
        ...problems([
          ...common,
          ...CASE_PROBLEMS,
          [409, 'No such grant (GRANT_NOT_FOUND) or the case is closed.'],
        ]),
      ];
    default:
      return [
        ApiOperation({
          operationId,
          summary: `${operation}: an act on the case (a Temporal Update, validated by the domain's rules)`,
        }),
        caseRefParam,
        ApiBody({ schema: bodySchema(actSchemas[operation], isVictimAct(operation)) }),
        ApiHeader({
          name: 'Idempotency-Key',
          required: false,
          description:
            'A retried request with the same key has one effect and gets the first answer again, marked `Idempotent-Replayed: true` (8–128 characters). The key is bound to your organisation, this act, this case and the body: any other request under it is refused (422 IDEMPOTENCY_KEY_REUSED) and changes nothing.',
        }),
        ApiResponse({ status: 200, description: 'Done: the case as your role may see it.' }),
        ...problems([
          ...common,
          ...CASE_PROBLEMS,
          ...BODY_PROBLEMS,
          [409, 'Not possible now (e.g. NOT_IN_STAGE, CASE_CLOSED, DEADLINE_PASSED, APPLICATION_PENDING).'],
          [
            422,
            'Refused by a rule (e.g. EXTENSION_BEYOND_CAP, WRONG_AUTHORITY, INVESTIGATION_ENDED; with the rule id and machine-readable details), or IDEMPOTENCY_KEY_REUSED.',
          ],
        ]),
      ];
  }
}

type Handler = (
  this: { readonly cases: CaseGatewayService },
  request: AuthenticatedRequest,
  response: Response,
) => unknown;

/**
 * Writes an open's or an act's answer: 201/200 with the case, or 202 with `Location` when the case was
 * opened but could not be read in time; `Idempotent-Replayed: true` when it repeats an earlier answer.
 */
function send(request: AuthenticatedRequest, response: Response, answer: CaseAnswer): void {
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  if (answer.status === 201 || answer.status === 202) {
    response.setHeader('Location', `/${request.principal.role}/cases/${answer.caseRef}`);
  }
  // The access record of an open names the case it opened.
  response.locals['caseRef'] = answer.caseRef;
  response.status(answer.status).json(
    answer.view ?? {
      caseRef: answer.caseRef,
      status: 'accepted',
      detail:
        'The case is open, but its first view could not be read in time. Read it at Location; do not open it again.',
    },
  );
}

function handlerOf(operation: Operation): Handler {
  const caseRef = (request: AuthenticatedRequest): CaseRef =>
    parseOrThrow(caseRefSchema, request.params['caseRef']) as CaseRef;
  const key = (request: AuthenticatedRequest): string | undefined =>
    parseOrThrow(idempotencyKeySchema, request.headers['idempotency-key']);
  const json = (response: Response, status: number) => (body: unknown) => {
    response.status(status).json(body);
  };
  switch (operation) {
    case 'openCase':
      return async function (request, response) {
        requireJsonBody(request);
        send(request, response, await this.cases.open(request.principal, request.body, key(request)));
      };
    case 'viewCase':
      return function (request, response) {
        return this.cases.view(request.principal, caseRef(request)).then(json(response, 200));
      };
    case 'listCases':
      return function (request, response) {
        return this.cases.listCases(request.principal, request.query).then(json(response, 200));
      };
    case 'listDeadlines':
      return function (request, response) {
        return this.cases.listDeadlines(request.principal, request.query).then(json(response, 200));
      };
    case 'grantAccess':
      return function (request, response) {
        requireJsonBody(request);
        return this.cases
          .changeAccess(request.principal, caseRef(request), 'grant', request.body)
          .then(json(response, 200));
      };
    case 'revokeAccess':
      return function (request, response) {
        const grant = { role: request.params['grantRole'], party: request.params['party'] };
        return this.cases
          .changeAccess(request.principal, caseRef(request), 'revoke', grant)
          .then(json(response, 200));
      };
    default: {
      if (!isAct(operation)) throw new Error(`no handler for ${operation as string}`);
      return async function (request, response) {
        const ref = caseRef(request);
        requireJsonBody(request);
        send(
          request,
          response,
          await this.cases.act(request.principal, ref, operation, request.body, key(request)),
        );
      };
    }
  }
}

const HTTP_METHOD = { GET: Get, POST: Post, DELETE: Delete } as const;

/**
 * One controller per role (an agency's gateway: `/police/...`, `/iom/...`), generated from the access
 * matrix so that every route is an operation the matrix allows that role, with its OpenAPI description.
 */
export function createAgencyController(role: Role): Type {
  const routes = agencyRoutes([role]);
  const scope =
    ROLE_SCOPE[role] === 'national' ? 'every case' : 'only the cases granted to your organisation or subject';
  class AgencyGatewayController {
    constructor(readonly cases: CaseGatewayService) {}
  }
  Object.defineProperty(AgencyGatewayController, 'name', { value: `${role}GatewayController` });
  for (const route of routes) {
    const key = route.operation;
    Object.defineProperty(AgencyGatewayController.prototype, key, {
      value: handlerOf(route.operation),
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(AgencyGatewayController.prototype, key);
    if (descriptor === undefined) throw new Error(`cannot define ${key}`);
    const decorators: MethodDecorator[] = [
      HTTP_METHOD[route.method](route.path.slice(role.length + 2)),
      HttpCode(route.operation === 'openCase' ? 201 : 200),
      SetMetadata(ROUTE_ACCESS, { role, operation: route.operation }),
      ...(route.permitted ? documentation(route) : [ApiExcludeEndpoint()]),
    ];
    for (const decorate of decorators) decorate(AgencyGatewayController.prototype, key, descriptor);
    Object.defineProperty(AgencyGatewayController.prototype, key, descriptor);
    Req()(AgencyGatewayController.prototype, key, 0);
    Res()(AgencyGatewayController.prototype, key, 1);
  }
  Reflect.defineMetadata('design:paramtypes', [CaseGatewayService], AgencyGatewayController);
  Controller(role)(AgencyGatewayController);
  UseGuards(AccessGuard)(AgencyGatewayController);
  ApiBearerAuth()(AgencyGatewayController);
  ApiTags(`${role}: ${ROLE_TITLES[role]} — sees ${scope}`)(AgencyGatewayController);
  return AgencyGatewayController;
}
