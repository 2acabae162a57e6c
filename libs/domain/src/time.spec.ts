import { describe, expect, it } from 'vitest';
import { addDays, addMonths, instant, isInstant } from './time.js';

describe('time: UTC ISO instants, calendar months', () => {
  it('R12: adds 6 months calendar-correctly: 31 Aug → 28 Feb, or 29 Feb in a leap year', () => {
    expect(addMonths(instant('2023-08-31T10:15:00Z'), 6)).toBe('2024-02-29T10:15:00.000Z');
    expect(addMonths(instant('2024-08-31T00:00:00Z'), 6)).toBe('2025-02-28T00:00:00.000Z');
  });

  it('R12: a renewal from 28 Feb lands on 28 Aug (terms chain from the previous end)', () => {
    expect(addMonths(instant('2025-02-28T00:00:00Z'), 6)).toBe('2025-08-28T00:00:00.000Z');
  });

  it('R14: months roll over the year end and keep the time of day', () => {
    expect(addMonths(instant('2024-10-15T23:59:59.999Z'), 6)).toBe('2025-04-15T23:59:59.999Z');
    expect(addMonths(instant('2024-03-31T12:00:00Z'), -1)).toBe('2024-02-29T12:00:00.000Z');
  });

  it('R4: days are exact 24-hour steps in UTC (no daylight-saving shifts)', () => {
    expect(addDays(instant('2024-03-20T00:00:00Z'), 30)).toBe('2024-04-19T00:00:00.000Z');
  });

  it('R4: instants are normalised to canonical UTC and invalid input is rejected', () => {
    expect(instant('2024-01-01T01:00:00+01:00')).toBe('2024-01-01T00:00:00.000Z');
    expect(instant(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isInstant('2024-01-01T00:00:00.000Z')).toBe(true);
    expect(isInstant('2024-01-01')).toBe(false);
    expect(() => instant('not a date')).toThrow(RangeError);
  });
});
