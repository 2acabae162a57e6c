import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  MAX_ACTIVE_CALENDAR_FEEDS,
  ROLES,
  type Principal,
  type Role,
} from '../../../../libs/contracts/src/index.js';
import type { Pool } from '../../../../libs/database/src/index.js';
import { DATABASE } from '../tokens.js';

/** A feed as its owner sees it (never its secret: only the digest is kept). */
export interface CalendarFeed {
  readonly id: string;
  readonly label?: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
}

/** A feed just made, with its secret (shown once). */
export interface NewCalendarFeed extends CalendarFeed {
  readonly secret: string;
}

interface FeedRow {
  id: string;
  label: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

/** The digest a feed secret is stored and looked up by (SHA-256, hex). */
export function feedSecretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new feed secret: 32 random bytes, base64url (43 characters). */
export function newFeedSecret(): string {
  return randomBytes(32).toString('base64url');
}

const unavailable = (): ServiceUnavailableException =>
  new ServiceUnavailableException({
    code: 'SERVICE_UNAVAILABLE',
    detail: 'Calendar feeds cannot be read or changed right now; nothing was done. Try again.',
  });

export const feedNotFound = (): NotFoundException =>
  new NotFoundException({
    code: 'FEED_NOT_FOUND',
    detail: 'No such calendar feed: it was revoked, or never existed here. Make a new one in the console.',
  });

const feedOf = (row: FeedRow): CalendarFeed => ({
  id: row.id,
  ...(row.label === null ? {} : { label: row.label }),
  createdAt: row.created_at.toISOString(),
  ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at.toISOString() }),
});

/**
 * Calendar feeds in PostgreSQL (ADR 0020): each acts for the principal that made it (role, organisation,
 * subject) until revoked. Only the SHA-256 digest of a feed's secret is stored, so the table alone opens no
 * feed; a principal holds at most `MAX_ACTIVE_CALENDAR_FEEDS` active feeds.
 */
@Injectable()
export class CalendarFeedStore {
  constructor(@Inject(DATABASE) private readonly pool: Pool) {}

  /** Makes a feed for `principal` (409 FEED_LIMIT_REACHED when it already holds the most it may). */
  async create(principal: Principal, label: string | undefined): Promise<NewCalendarFeed> {
    const secret = newFeedSecret();
    let row: FeedRow | undefined;
    let active: number | undefined;
    try {
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        // One principal's feeds are counted and added one request at a time.
        await client.query('select pg_advisory_xact_lock(hashtext($1))', [
          `calendar-feeds ${principal.role} ${principal.org} ${principal.sub}`,
        ]);
        const counted = await client.query<{ n: number }>(
          `select count(*)::int as n from calendar_feeds
            where role = $1 and org = $2 and sub = $3 and revoked_at is null`,
          [principal.role, principal.org, principal.sub],
        );
        active = counted.rows[0]?.n ?? 0;
        if (active < MAX_ACTIVE_CALENDAR_FEEDS) {
          const inserted = await client.query<FeedRow>(
            `insert into calendar_feeds (id, token_hash, role, org, sub, label)
             values ($1, $2, $3, $4, $5, $6) returning id, label, created_at, last_used_at`,
            [
              randomUUID(),
              feedSecretDigest(secret),
              principal.role,
              principal.org,
              principal.sub,
              label ?? null,
            ],
          );
          row = inserted.rows[0];
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch {
      throw unavailable();
    }
    if (row === undefined) {
      throw new ConflictException({
        code: 'FEED_LIMIT_REACHED',
        detail: `You have ${active} active calendar feeds, the most one caller may hold: revoke one you no longer use first.`,
      });
    }
    return { ...feedOf(row), secret };
  }

  /** The principal's active feeds, newest first. */
  async list(principal: Principal): Promise<CalendarFeed[]> {
    const { rows } = await this.pool
      .query<FeedRow>(
        `select id, label, created_at, last_used_at from calendar_feeds
          where role = $1 and org = $2 and sub = $3 and revoked_at is null
          order by created_at desc, id`,
        [principal.role, principal.org, principal.sub],
      )
      .catch(() => {
        throw unavailable();
      });
    return rows.map(feedOf);
  }

  /** Revokes one of the principal's feeds (404 FEED_NOT_FOUND for an unknown, revoked or another's feed). */
  async revoke(principal: Principal, id: string): Promise<void> {
    const { rowCount } = await this.pool
      .query(
        `update calendar_feeds set revoked_at = now()
          where id = $1 and role = $2 and org = $3 and sub = $4 and revoked_at is null`,
        [id, principal.role, principal.org, principal.sub],
      )
      .catch(() => {
        throw unavailable();
      });
    if (rowCount !== 1) throw feedNotFound();
  }

  /**
   * The principal an active feed acts for, found by its secret's digest, when the feed is one of `role`'s
   * gateway (404 FEED_NOT_FOUND otherwise: unknown, revoked and another gateway's feed look alike). Marks
   * the feed used.
   */
  async principalOf(secret: string, role: Role): Promise<Principal> {
    const { rows } = await this.pool
      .query<{ role: string; org: string; sub: string }>(
        `update calendar_feeds set last_used_at = now()
          where token_hash = $1 and role = $2 and revoked_at is null
          returning role, org, sub`,
        [feedSecretDigest(secret), role],
      )
      .catch(() => {
        throw unavailable();
      });
    const row = rows[0];
    if (row === undefined || !(ROLES as readonly string[]).includes(row.role)) throw feedNotFound();
    return { role: row.role as Role, org: row.org, sub: row.sub };
  }
}
