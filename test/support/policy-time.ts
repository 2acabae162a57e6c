import {
  DENMARK_2013_REVISED,
  calendarOf,
  instant,
  reminderTiming,
  type Instant,
} from '../../libs/domain/src/index.js';

/**
 * The policy a case opened today runs under, and its time: `dk-2013.2` counts days and months in the
 * Copenhagen calendar and moves reminders off weekends and public holidays to the previous working day
 * (the domain's `reminderTiming`, unit-tested with exact dates); the legal deadline never moves. Workflow
 * tests on the time-skipping server start at today's date, so they compute what they expect with these.
 */
export const POLICY = DENMARK_2013_REVISED;
export const CALENDAR = calendarOf(POLICY);

export const plusDays = (from: Instant | string, n: number): Instant => CALENDAR.addDays(instant(from), n);
export const plusMonths = (from: Instant | string, n: number): Instant =>
  CALENDAR.addMonths(instant(from), n);

/** When the reminder `daysBefore` a deadline due at `dueAt` goes out (moved off a day off). */
export const remindedAt = (
  dueAt: Instant | string,
  daysBefore: number,
  startsAt: Instant = instant(0),
): Instant | undefined => reminderTiming(instant(dueAt), daysBefore, startsAt, POLICY)?.at;
