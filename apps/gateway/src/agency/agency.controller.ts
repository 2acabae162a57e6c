import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Patch,
  Post,
  Req,
  Res,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { caseRefSchema, idempotencyKeySchema } from '../../../../libs/contracts/src/index.js';
import type { CaseRef } from '../../../../libs/domain/src/index.js';
import { AccessGuard, ROUTE_KIND, type AuthenticatedRequest } from '../auth/access.guard.js';
import { requireJsonBody } from '../http/http-edges.js';
import { isAct, routeOf, type RouteKind } from '../http/agency-routes.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { CaseGatewayService, type CaseAnswer } from './case-gateway.service.js';
import { PersonService } from './person.service.js';
import { CodecService } from '../codec/codec.service.js';
import { CaseloadService, type Listing } from '../read-model/caseload.service.js';
import { CalendarFeedService } from '../calendar/calendar-feed.service.js';

const caseRefOf = (request: AuthenticatedRequest): CaseRef =>
  parseOrThrow(caseRefSchema, request.params['caseRef']) as CaseRef;
const keyOf = (request: AuthenticatedRequest): string | undefined =>
  parseOrThrow(idempotencyKeySchema, request.headers['idempotency-key']);

/** An access change's answer: its view, marked `Idempotent-Replayed: true` when it repeats the first. */
function replayedAs(
  response: Response,
  answer: { readonly view: unknown; readonly replayed: boolean },
): unknown {
  if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return answer.view;
}

/**
 * Writes an open's or an act's answer: 201/200 with the case, or 202 with `Location` when the case was
 * opened but its start was not confirmed in time; `Idempotent-Replayed: true` when it repeats an earlier answer.
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
        'The case is open, but its start was not confirmed in time. Read it at Location; do not open it again.',
    },
  );
}

/** The gateway's origin as the caller reached it (a feed's address; the console's case pages in a feed). */
const originOf = (request: AuthenticatedRequest): string =>
  `${request.protocol}://${request.get('host') ?? ''}`;

const Kind = (kind: RouteKind): MethodDecorator => SetMetadata(ROUTE_KIND, kind);

/**
 * A listing's page: the rows as the body, and the next page (same filters, its cursor) in a `Link` header
 * (RFC 8288), absent on the last page.
 */
function paged<T>(request: AuthenticatedRequest, response: Response, listing: Listing<T>): readonly T[] {
  if (listing.nextCursor !== undefined) {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    query.set('cursor', listing.nextCursor);
    response.setHeader('Link', `<${request.path}?${query.toString()}>; rel="next"`);
  }
  return listing.items;
}

/**
 * Every agency's gateway: `/<role>/…`, one route per kind of operation. Which role may do what is the
 * access matrix's (`libs/access`), applied by the guard through the route table (`http/agency-routes.ts`,
 * every role × operation with its literal path); the OpenAPI document is written from the same table
 * (`http/openapi.ts`). Handlers are one line into the service.
 */
@ApiExcludeController()
@Controller(':role')
@UseGuards(AccessGuard)
export class AgencyController {
  constructor(
    @Inject(CaseGatewayService) private readonly cases: CaseGatewayService,
    @Inject(PersonService) private readonly persons: PersonService,
    @Inject(CodecService) private readonly codec: CodecService,
    @Inject(CaseloadService) private readonly caseload: CaseloadService,
    @Inject(CalendarFeedService) private readonly calendar: CalendarFeedService,
  ) {}

  @Post('cases')
  @Kind('openCase')
  async openCase(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    requireJsonBody(request);
    send(request, response, await this.cases.open(request.principal, request.body, keyOf(request)));
  }

  @Get('cases')
  @Kind('listCases')
  async listCases(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    return paged(request, response, await this.caseload.cases(request.principal, request.query));
  }

  @Get('deadlines')
  @Kind('listDeadlines')
  async listDeadlines(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    return paged(request, response, await this.caseload.deadlines(request.principal, request.query));
  }

  /** The deadlines as an iCalendar feed (ADR 0020): authenticated by the feed's `?token=`, not a bearer. */
  @Get('deadlines.ics')
  @Kind('deadlineCalendar')
  async deadlineCalendar(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const text = await this.calendar.calendar(request.principal, originOf(request));
    response
      .status(200)
      .setHeader('Content-Type', 'text/calendar; charset=utf-8')
      .setHeader('Content-Disposition', 'inline; filename="deadlines.ics"')
      // The feed's address is its key: no shared cache keeps it, no page passes it on as a referrer.
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('Referrer-Policy', 'no-referrer')
      .send(text);
  }

  @Post('calendar-feeds')
  @Kind('createCalendarFeed')
  async createCalendarFeed(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    requireJsonBody(request);
    const feed = await this.calendar.create(request.principal, request.body, originOf(request));
    // The answer holds the feed's secret: never stored by a cache.
    response.setHeader('Cache-Control', 'no-store');
    return feed;
  }

  @Get('calendar-feeds')
  @Kind('listCalendarFeeds')
  listCalendarFeeds(@Req() request: AuthenticatedRequest): Promise<unknown> {
    return this.calendar.list(request.principal);
  }

  @Delete('calendar-feeds/:feedId')
  @HttpCode(204)
  @Kind('revokeCalendarFeed')
  revokeCalendarFeed(@Req() request: AuthenticatedRequest): Promise<void> {
    return this.calendar.revoke(request.principal, request.params['feedId']);
  }

  @Get('caseload')
  @Kind('caseloadCounts')
  caseloadCounts(@Req() request: AuthenticatedRequest): Promise<unknown> {
    return this.caseload.counts(request.principal);
  }

  @Get('cases/:caseRef')
  @Kind('viewCase')
  viewCase(@Req() request: AuthenticatedRequest): Promise<unknown> {
    return this.cases.view(request.principal, caseRefOf(request));
  }

  @Get('cases/:caseRef/available-acts')
  @Kind('availableActs')
  availableActs(@Req() request: AuthenticatedRequest): Promise<unknown> {
    return this.cases.availableActs(request.principal, caseRefOf(request));
  }

  @Post('cases/:caseRef/access-grants')
  @HttpCode(200)
  @Kind('grantAccess')
  async grantAccess(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    requireJsonBody(request);
    const key = keyOf(request);
    return replayedAs(
      response,
      await this.cases.changeAccess(request.principal, caseRefOf(request), 'grant', request.body, key),
    );
  }

  @Delete('cases/:caseRef/access-grants/:grantRole/:party')
  @Kind('revokeAccess')
  async revokeAccess(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const grant = { role: request.params['grantRole'], party: request.params['party'] };
    const key = keyOf(request);
    return replayedAs(
      response,
      await this.cases.changeAccess(request.principal, caseRefOf(request), 'revoke', grant, key),
    );
  }

  @Get('cases/:caseRef/person')
  @Kind('viewPerson')
  viewPerson(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    return this.persons.view(request.principal, caseRefOf(request), response);
  }

  @Patch('cases/:caseRef/person')
  @Kind('recordPerson')
  recordPerson(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    requireJsonBody(request);
    return this.persons.record(request.principal, caseRefOf(request), request.body, response);
  }

  @Post('cases/:caseRef/person/notes')
  @Kind('addCaseNote')
  addCaseNote(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    requireJsonBody(request);
    return this.persons.addNote(request.principal, caseRefOf(request), request.body, response);
  }

  @Get('cases/:caseRef/person/export')
  @Kind('exportPerson')
  exportPerson(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    return this.persons.export(request.principal, caseRefOf(request), response);
  }

  @Post('cases/:caseRef/person/erasure')
  @HttpCode(200)
  @Kind('erasePerson')
  erasePerson(@Req() request: AuthenticatedRequest): Promise<unknown> {
    requireJsonBody(request);
    return this.persons.erase(request.principal, caseRefOf(request), request.body);
  }

  @Post('codec/decode')
  @HttpCode(200)
  @Kind('decodePayloads')
  decodePayloads(@Req() request: AuthenticatedRequest): Promise<unknown> {
    requireJsonBody(request);
    return this.codec.decode(request.body);
  }

  @Post('codec/encode')
  @HttpCode(200)
  @Kind('encodePayloads')
  encodePayloads(@Req() request: AuthenticatedRequest): Promise<unknown> {
    requireJsonBody(request);
    return this.codec.encode(request.body);
  }

  @Post('cases/:caseRef/:act')
  @Kind('act')
  async act(@Req() request: AuthenticatedRequest, @Res() response: Response): Promise<void> {
    const operation = routeOf(response).operation;
    if (!isAct(operation)) throw new Error(`${operation} is not an act`);
    const caseRef = caseRefOf(request);
    requireJsonBody(request);
    send(
      request,
      response,
      await this.cases.act(request.principal, caseRef, operation, request.body, keyOf(request)),
    );
  }
}
