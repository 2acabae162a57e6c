import { Inject, Injectable } from '@nestjs/common';
import {
  createCalendarFeedBodySchema,
  feedIdSchema,
  type Principal,
} from '../../../../libs/contracts/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { CaseloadService } from '../read-model/caseload.service.js';
import { CalendarFeedStore, type CalendarFeed } from './calendar-feed.store.js';
import { renderDeadlineCalendar } from './deadline-calendar.js';

/** A new feed as answered: its id, label, when it was made, and its address with the secret (shown once). */
export interface CreatedFeed extends CalendarFeed {
  readonly url: string;
}

/** The address of a role's feed on a gateway's origin. */
export const feedUrl = (origin: string, role: string, secret: string): string =>
  `${origin}/${role}/deadlines.ics?token=${secret}`;

/**
 * Calendar feeds (ADR 0020): a caller makes, lists and revokes its own feeds with its bearer token; a
 * calendar client reads a feed with the feed's secret, and gets what the caller's deadlines board lists.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    @Inject(CalendarFeedStore) private readonly feeds: CalendarFeedStore,
    @Inject(CaseloadService) private readonly caseload: CaseloadService,
  ) {}

  async create(principal: Principal, body: unknown, origin: string): Promise<CreatedFeed> {
    const { label } = parseOrThrow(createCalendarFeedBodySchema, body);
    const { secret, ...feed } = await this.feeds.create(principal, label);
    return { ...feed, url: feedUrl(origin, principal.role, secret) };
  }

  list(principal: Principal): Promise<CalendarFeed[]> {
    return this.feeds.list(principal);
  }

  revoke(principal: Principal, id: unknown): Promise<void> {
    return this.feeds.revoke(principal, parseOrThrow(feedIdSchema, id));
  }

  /** The feed's document: the principal's deadlines (as its board lists them) as iCalendar. */
  async calendar(principal: Principal, origin: string): Promise<string> {
    const entries = await this.caseload.calendarDeadlines(principal);
    return renderDeadlineCalendar(entries, { role: principal.role, origin, now: new Date() });
  }
}
