/**
 * Time in the domain. Every instant is a UTC ISO-8601 string in the canonical form produced by
 * `Date.prototype.toISOString()` (`2024-08-31T00:00:00.000Z`): JSON-safe for Temporal payloads and Kafka,
 * sortable as text, and exact to the millisecond. The domain never reads the clock; the caller passes `now`.
 *
 * Arithmetic:
 * - days are exact 24-hour steps in UTC (UTC has no daylight saving, so a day is always 86 400 000 ms);
 * - months are calendar months in UTC: the same day of month, clamped to the last day of a shorter month
 *   (31 Aug + 6 months = 28 Feb, or 29 Feb in a leap year), keeping the time of day.
 */

export type Instant = string & { readonly __brand: 'Instant' };

export const DURATION_UNITS = ['days', 'months'] as const;

/** A length of time in whole days or whole calendar months. */
export interface Duration {
  readonly amount: number;
  readonly unit: (typeof DURATION_UNITS)[number];
}

export const DAY_MS = 86_400_000;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Parses an ISO-8601 string (with an offset or `Z`) or epoch milliseconds into a canonical UTC instant.
 * Throws a RangeError for anything that is not a valid date between the years 1900 and 9999.
 */
export function instant(value: string | number): Instant {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError('not a valid instant');
  const year = new Date(ms).getUTCFullYear();
  if (year < 1900 || year > 9999) throw new RangeError('instant out of range (1900–9999)');
  return new Date(ms).toISOString() as Instant;
}

/** True for a string already in canonical instant form (what `instant()` returns). */
export function isInstant(value: unknown): value is Instant {
  return typeof value === 'string' && ISO_UTC.test(value) && instant(value) === value;
}

export function toEpochMs(at: Instant): number {
  return Date.parse(at);
}

export function addDays(at: Instant, days: number): Instant {
  return instant(toEpochMs(at) + days * DAY_MS);
}

/** Calendar-correct month addition, clamping to the end of a shorter month (see the module comment). */
export function addMonths(at: Instant, months: number): Instant {
  const d = new Date(toEpochMs(at));
  const monthIndex = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const result = new Date(0);
  // Day 0 of the next month is the last day of `month`.
  result.setUTCFullYear(year, month + 1, 0);
  const lastDay = result.getUTCDate();
  result.setUTCFullYear(year, month, Math.min(d.getUTCDate(), lastDay));
  result.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return instant(result.getTime());
}

export function addDuration(at: Instant, duration: Duration): Instant {
  return duration.unit === 'days' ? addDays(at, duration.amount) : addMonths(at, duration.amount);
}

export function isBefore(a: Instant, b: Instant): boolean {
  return toEpochMs(a) < toEpochMs(b);
}

export function isAtOrAfter(a: Instant, b: Instant): boolean {
  return toEpochMs(a) >= toEpochMs(b);
}

export function maxInstant(a: Instant, b: Instant): Instant {
  return isBefore(a, b) ? b : a;
}

/** Human-readable duration, e.g. `30 days`, `1 month`. */
export function formatDuration(duration: Duration): string {
  const unit = duration.amount === 1 ? duration.unit.slice(0, -1) : duration.unit;
  return `${duration.amount} ${unit}`;
}

export function days(amount: number): Duration {
  return { amount, unit: 'days' };
}

export function months(amount: number): Duration {
  return { amount, unit: 'months' };
}
