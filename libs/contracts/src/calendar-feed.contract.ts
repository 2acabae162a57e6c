import { z } from 'zod';

/**
 * Calendar feeds (ADR 0020): "my deadlines" as an iCalendar feed that a calendar client subscribes to. A
 * calendar client cannot send a bearer header, so the feed carries its own secret in its address; the
 * secret is 32 random bytes (base64url, 43 characters), shown once, stored only as its SHA-256 digest.
 */

/** Active (unrevoked) feeds one principal may hold at once. */
export const MAX_ACTIVE_CALENDAR_FEEDS = 10;

/** Printable text without control characters (a label is shown back in the console, never in a feed). */
const LABEL_PATTERN = /^[^\p{Cc}\p{Cf}]{1,60}$/u;

export const createCalendarFeedBodySchema = z.strictObject({
  label: z
    .string()
    .trim()
    .regex(LABEL_PATTERN, 'must be 1–60 printable characters')
    .optional()
    .describe('Your own short name for the feed, e.g. “Phone” (never a person’s name).'),
});

/** The feed secret as it appears in the feed's address: 43 characters of base64url. */
export const FEED_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const deadlineCalendarQuerySchema = z.strictObject({
  token: z
    .string({ error: 'is required: the secret of the feed’s address' })
    .regex(FEED_SECRET_PATTERN, 'must be the secret of a calendar feed’s address, unchanged'),
});

export const feedIdSchema = z.uuid({ error: 'must be the id of one of your calendar feeds (a UUID)' });

const instantText = z.iso.datetime({ offset: false });

export const calendarFeedSchema = z
  .object({
    id: z.uuid(),
    label: z.string().optional(),
    createdAt: instantText,
    lastUsedAt: instantText.optional().describe('When a calendar client last read the feed.'),
  })
  .meta({ id: 'CalendarFeed', description: 'One of your active calendar feeds (its secret is not kept).' });

export const createdCalendarFeedSchema = z
  .object({
    id: z.uuid(),
    label: z.string().optional(),
    createdAt: instantText,
    url: z
      .string()
      .describe(
        'The feed’s address, with its secret: shown this once. Anyone who has it can read your case refs and deadlines until you revoke the feed.',
      ),
  })
  .meta({ id: 'CreatedCalendarFeed', description: 'A new calendar feed and its address (shown once).' });
