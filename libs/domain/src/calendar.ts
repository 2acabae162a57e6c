import { DateTime } from 'luxon';
import {
  addDays as addUtcDays,
  addMonths as addUtcMonths,
  instant,
  toEpochMs,
  type Duration,
  type Instant,
} from './time.js';

/**
 * A public holiday as data: a fixed day of the year, or a day relative to Easter Sunday (Gregorian), so a
 * jurisdiction's holidays are policy data, not code.
 */
export type HolidayRule =
  | { readonly name: string; readonly month: number; readonly day: number }
  | { readonly name: string; readonly easterOffset: number };

/** Opening hours of a service (local time, `HH:mm`): on working days, and on weekends and holidays. */
export interface OpeningHours {
  readonly workingDays: { readonly opens: string; readonly closes: string };
  readonly otherDays?: { readonly opens: string; readonly closes: string };
}

/**
 * The calendar a jurisdiction's periods run in: its time zone (days and months are counted in local
 * calendar time, daylight-saving changes included), its working days and public holidays, and when office
 * hours start (a reminder that would fall on a day off goes out on the previous working day then).
 */
export interface CalendarPolicy {
  /** IANA time zone, e.g. `Europe/Copenhagen`. */
  readonly timeZone: string;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  readonly workingWeekdays: readonly number[];
  readonly holidays: readonly HolidayRule[];
  /** Local `HH:mm` at which office hours start on a working day. */
  readonly officeHoursStart: string;
}

/** A day that is not a working day: a weekend day (`Saturday`) or a public holiday (`Easter Monday`). */
export interface DayOff {
  readonly weekend: boolean;
  readonly name: string;
}

/** Date arithmetic and working days in one jurisdiction's calendar. */
export interface Calendar {
  /** The zone the dates are counted in (`UTC` for policies without a calendar). */
  readonly timeZone: string;
  /** `days` local calendar days later, at the same local time of day. */
  addDays(at: Instant, days: number): Instant;
  /** `months` local calendar months later, at the same local time; clamped to a shorter month's last day. */
  addMonths(at: Instant, months: number): Instant;
  addDuration(at: Instant, duration: Duration): Instant;
  /** The local date, e.g. `2027-09-01`. */
  localDate(at: Instant): string;
  /** The local date in words, e.g. `1 September 2027`; with the weekday, `Wednesday 1 September 2027`. */
  longDate(at: Instant, withWeekday?: boolean): string;
  /** Why the local day of `at` is no working day (a weekend day, or a public holiday by name), or undefined. */
  dayOff(at: Instant): DayOff | undefined;
  /** The start of office hours on the last working day before the local day of `at`. */
  previousWorkingDayStart(at: Instant): Instant;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): { readonly month: number; readonly day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** The holidays of `year` as `MM-DD` → name. */
function holidaysOf(year: number, rules: readonly HolidayRule[]): ReadonlyMap<string, string> {
  const easter = easterSunday(year);
  const easterDate = DateTime.utc(year, easter.month, easter.day);
  const days = new Map<string, string>();
  for (const rule of rules) {
    const date =
      'easterOffset' in rule
        ? easterDate.plus({ days: rule.easterOffset })
        : DateTime.utc(year, rule.month, rule.day);
    days.set(date.toFormat('MM-dd'), rule.name);
  }
  return days;
}

const UTC_CALENDAR: Calendar = {
  timeZone: 'UTC',
  addDays: addUtcDays,
  addMonths: addUtcMonths,
  addDuration: (at, duration) =>
    duration.unit === 'days' ? addUtcDays(at, duration.amount) : addUtcMonths(at, duration.amount),
  localDate: (at) => at.slice(0, 10),
  longDate: (at, withWeekday) => longDateOf(DateTime.fromMillis(toEpochMs(at), { zone: 'UTC' }), withWeekday),
  dayOff: () => undefined,
  previousWorkingDayStart: (at) => at,
};

function longDateOf(local: DateTime, withWeekday = false): string {
  const date = `${local.day} ${MONTHS[local.month - 1] ?? ''} ${local.year}`;
  return withWeekday ? `${WEEKDAYS[local.weekday - 1] ?? ''} ${date}` : date;
}

function zonedCalendar(policy: CalendarPolicy): Calendar {
  const zone = policy.timeZone;
  const local = (at: Instant): DateTime => {
    const value = DateTime.fromMillis(toEpochMs(at), { zone });
    if (!value.isValid) throw new RangeError(`unknown time zone ${zone}`);
    return value;
  };
  const back = (value: DateTime): Instant => instant(value.toMillis());
  const holidayCache = new Map<number, ReadonlyMap<string, string>>();
  const holidayOf = (value: DateTime): string | undefined => {
    let year = holidayCache.get(value.year);
    if (year === undefined) {
      year = holidaysOf(value.year, policy.holidays);
      holidayCache.set(value.year, year);
    }
    return year.get(value.toFormat('MM-dd'));
  };
  const dayOffOf = (value: DateTime): DayOff | undefined => {
    const holiday = holidayOf(value);
    if (holiday !== undefined) return { weekend: false, name: holiday };
    if (policy.workingWeekdays.includes(value.weekday)) return undefined;
    return { weekend: true, name: WEEKDAYS[value.weekday - 1] ?? 'weekend' };
  };
  const [hour = 0, minute = 0] = policy.officeHoursStart.split(':').map(Number);
  return {
    timeZone: zone,
    addDays: (at, days) => back(local(at).plus({ days })),
    addMonths: (at, months) => back(local(at).plus({ months })),
    addDuration: (at, duration) => back(local(at).plus({ [duration.unit]: duration.amount })),
    localDate: (at) => local(at).toISODate() ?? at.slice(0, 10),
    longDate: (at, withWeekday) => longDateOf(local(at), withWeekday),
    dayOff: (at) => dayOffOf(local(at)),
    previousWorkingDayStart: (at) => {
      let day = local(at).startOf('day').minus({ days: 1 });
      for (let guard = 0; guard < 366 && dayOffOf(day) !== undefined; guard++) day = day.minus({ days: 1 });
      return back(day.set({ hour, minute }));
    },
  };
}

const calendars = new Map<CalendarPolicy, Calendar>();

/**
 * The calendar of a policy: its jurisdiction's zone, working days and holidays; for a policy without one
 * (cases opened before calendars were policy data), UTC days and months and no days off, as those cases
 * were computed.
 */
export function calendarOf(policy: { readonly calendar?: CalendarPolicy }): Calendar {
  const data = policy.calendar;
  if (data === undefined) return UTC_CALENDAR;
  let calendar = calendars.get(data);
  if (calendar === undefined) {
    calendar = zonedCalendar(data);
    calendars.set(data, calendar);
  }
  return calendar;
}

/**
 * Whether a service with these opening hours is open at `at`, and if not, when it next opens (within two
 * weeks). Days off (weekends and the policy's holidays) use `otherDays`; without those hours it is closed.
 */
export function openingStatus(
  hours: OpeningHours,
  at: Instant,
  calendar: Calendar,
): { readonly open: boolean; readonly nextOpensAt?: Instant } {
  const zone = calendar.timeZone;
  const start = DateTime.fromMillis(toEpochMs(at), { zone });
  const slotOf = (day: DateTime) =>
    calendar.dayOff(instant(day.toMillis())) === undefined ? hours.workingDays : hours.otherDays;
  const at_ = (day: DateTime, time: string): DateTime => {
    const [hour = 0, minute = 0] = time.split(':').map(Number);
    return day.set({ hour, minute, second: 0, millisecond: 0 });
  };
  for (let offset = 0; offset < 14; offset++) {
    const day = start.startOf('day').plus({ days: offset });
    const slot = slotOf(day);
    if (slot === undefined) continue;
    const opens = at_(day, slot.opens);
    const closes = at_(day, slot.closes);
    if (offset === 0 && start >= opens && start < closes) return { open: true };
    if (opens > start) return { open: false, nextOpensAt: instant(opens.toMillis()) };
  }
  return { open: false };
}
