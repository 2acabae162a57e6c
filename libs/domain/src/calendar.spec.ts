import { describe, expect, it } from 'vitest';
import { calendarOf, easterSunday, openingStatus } from './calendar.js';
import { DENMARK_2013, DENMARK_2013_REVISED, DENMARK_AGENCIES } from './policies/index.js';
import { instant } from './time.js';

const copenhagen = calendarOf(DENMARK_2013_REVISED);

describe('the Danish calendar (policy data: Europe/Copenhagen, working days, public holidays)', () => {
  it('R12: a permit granted at 00:30 on 1 March in Copenhagen ends at 00:30 on 1 September there, not on 29 August', () => {
    // given 2027-02-28T23:30Z, which is 1 March 00:30 in Copenhagen (CET, +01:00)
    const granted = instant('2027-02-28T23:30:00.000Z');
    // when six calendar months are added in the policy's calendar
    const ends = copenhagen.addMonths(granted, 6);
    // then the term ends on 1 September at 00:30 Copenhagen time (CEST, +02:00)
    expect(ends).toBe('2027-08-31T22:30:00.000Z');
    expect(copenhagen.localDate(ends)).toBe('2027-09-01');
    expect(copenhagen.longDate(ends)).toBe('1 September 2027');
    // while the UTC arithmetic of older policies gave 29 August in Copenhagen
    expect(calendarOf(DENMARK_2013).addMonths(granted, 6)).toBe('2027-08-28T23:30:00.000Z');
  });

  it('R4: 30 days across the change to summer time keep the local time of day (29 days and 23 hours)', () => {
    const identified = instant('2027-03-10T09:00:00.000Z'); // 10:00 in Copenhagen
    const ends = copenhagen.addDays(identified, 30);
    expect(ends).toBe('2027-04-09T08:00:00.000Z'); // 10:00 in Copenhagen, summer time
    expect(copenhagen.localDate(ends)).toBe('2027-04-09');
  });

  it('Easter and the holidays that follow it are computed, not listed', () => {
    expect(easterSunday(2024)).toEqual({ month: 3, day: 31 });
    expect(easterSunday(2026)).toEqual({ month: 4, day: 5 });
    expect(easterSunday(2027)).toEqual({ month: 3, day: 28 });
    expect(easterSunday(2038)).toEqual({ month: 4, day: 25 });
    const day = (iso: string) => copenhagen.dayOff(instant(iso));
    expect(day('2027-03-25T10:00:00+01:00')).toEqual({ weekend: false, name: 'Maundy Thursday' });
    expect(day('2027-03-29T10:00:00+02:00')).toEqual({ weekend: false, name: 'Easter Monday' });
    expect(day('2027-05-06T10:00:00+02:00')).toEqual({ weekend: false, name: 'Ascension Day' });
    expect(day('2027-05-17T10:00:00+02:00')).toEqual({ weekend: false, name: 'Whit Monday' });
    expect(day('2027-12-26T10:00:00+01:00')).toEqual({ weekend: false, name: 'Boxing Day' });
    expect(day('2027-06-12T10:00:00+02:00')).toEqual({ weekend: true, name: 'Saturday' });
    // Great Prayer Day (the fourth Friday after Easter) is no longer a holiday from 2024
    expect(day('2027-04-23T10:00:00+02:00')).toBeUndefined();
    expect(day('2027-06-05T10:00:00+02:00')).toEqual({ weekend: true, name: 'Saturday' });
    // the local day counts: 23:30 UTC on a Friday is already Saturday in Copenhagen
    expect(day('2027-06-11T23:30:00.000Z')).toEqual({ weekend: true, name: 'Saturday' });
  });

  it('the previous working day skips weekends and Easter', () => {
    // Easter Monday 2027 → back over Sunday, Saturday, Good Friday, Maundy Thursday to Wednesday 24 March
    const from = instant('2027-03-29T12:00:00+02:00');
    expect(copenhagen.previousWorkingDayStart(from)).toBe('2027-03-24T07:30:00.000Z'); // 08:30 CET
  });

  it('CMM’s hotline: open on weekdays 8.30–16 and on weekends and holidays 9–15, and when it next opens', () => {
    const hours = DENMARK_AGENCIES.find((a) => a.id === 'cmm')?.organisations[0]?.openingHours;
    if (hours === undefined) throw new Error('CMM has opening hours as data');
    const at = (iso: string) => openingStatus(hours, instant(iso), copenhagen);
    expect(at('2027-06-09T10:00:00+02:00')).toEqual({ open: true }); // a Wednesday morning
    expect(at('2027-06-09T17:00:00+02:00')).toEqual({ open: false, nextOpensAt: '2027-06-10T06:30:00.000Z' });
    expect(at('2027-06-12T08:00:00+02:00')).toEqual({ open: false, nextOpensAt: '2027-06-12T07:00:00.000Z' });
    expect(at('2027-03-29T14:00:00+02:00')).toEqual({ open: true }); // Easter Monday, 9–15
  });
});
