import { describe, expect, it } from 'vitest';
import {
  cloudEventSchema,
  EVENT_SOURCE,
  REMINDER_EVENT_TYPE,
  toCloudEvent,
} from '../../contracts/src/index.js';
import { formatEvent, parseInboxMessage, RecentIds, shortEventType } from './agency-inbox.js';

const caseRef = 'PW-7K2M9Q4X1D3F';
const at = '2026-12-01T10:00:00.000Z';

const reminder = (daysBefore: number, summary = 'permit term 1 ends') =>
  toCloudEvent({
    caseRef,
    key: `reminder/permit-expiry:1/reminder-${daysBefore}d`,
    type: REMINDER_EVENT_TYPE,
    time: at,
    recipients: ['police'],
    data: {
      caseRef,
      deadlineId: 'permit-expiry:1',
      deadlineKind: 'permit-expiry',
      rule: 'R12',
      dueAt: '2026-12-31T00:00:00.000Z',
      daysBefore,
      responsible: 'police',
      summary,
    },
  });

describe('formatEvent', () => {
  it('renders a reminder as what is due, when, and who must act', () => {
    expect(formatEvent(reminder(30))).toBe(
      `${at}  deadline-reminder  ${caseRef}  permit-expiry due 2026-12-31T00:00:00.000Z (in 30 days), ` +
        'responsible police: permit term 1 ends',
    );
  });

  it('says "in 1 day" and "today", and leaves out an empty summary', () => {
    expect(formatEvent(reminder(1))).toContain('(in 1 day), responsible police: permit term 1 ends');
    expect(formatEvent(reminder(0, ''))).toMatch(/\(today\), responsible police$/);
  });

  it('renders any other event as its data fields, without the case ref or what the line already shows', () => {
    // Built as any reader sees it: the envelope only (the per-type data contracts are not this module's).
    const event = cloudEventSchema.parse({
      specversion: '1.0',
      id: `${caseRef}/e00002-InterviewRecorded`,
      source: EVENT_SOURCE,
      type: 'dk.pathway.interview-recorded.v1',
      subject: caseRef,
      time: at,
      datacontenttype: 'application/json',
      data: { caseRef, type: 'InterviewRecorded', at, by: 'ngo', rules: ['R2'] },
    });
    expect(formatEvent(event)).toBe(`${at}  interview-recorded  ${caseRef}  by=ngo rules=["R2"]`);
  });

  it('keeps an `at` that differs from the event time, and a reminder that breaks its contract is shown raw', () => {
    const event = { ...reminder(7), data: { caseRef, deadlineKind: 'x', at: '2026-12-02T00:00:00.000Z' } };
    expect(formatEvent(event)).toBe(
      `${at}  deadline-reminder  ${caseRef}  deadlineKind=x at=2026-12-02T00:00:00.000Z`,
    );
  });

  it('shortens only our versioned types', () => {
    expect(shortEventType('dk.pathway.case-referred.v1')).toBe('case-referred');
    expect(shortEventType('other.type')).toBe('other.type');
  });
});

describe('parseInboxMessage', () => {
  it('accepts a structured CloudEvent', () => {
    const event = reminder(30);
    expect(parseInboxMessage(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it('gives a reason for a malformed message without echoing its content', () => {
    const secret = 'Jane Doe 1990-01-01';
    const cases = [
      null,
      Buffer.alloc(0),
      Buffer.from(`${secret} is not json`),
      Buffer.from(JSON.stringify({ name: secret })),
      Buffer.from(JSON.stringify({ ...reminder(30), subject: secret })),
    ];
    for (const value of cases) {
      const parsed = parseInboxMessage(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.reason).not.toContain('Jane');
        expect(parsed.reason).not.toContain('1990');
      }
    }
    const badSubject = parseInboxMessage(Buffer.from(JSON.stringify({ ...reminder(30), subject: secret })));
    expect(badSubject).toEqual({ ok: false, reason: expect.stringMatching(/^not a CloudEvent: subject: /) });
  });
});

describe('RecentIds: the duplicate window', () => {
  it('given ids handled, when one comes again, then it is a duplicate; an unseen one is not', () => {
    const seen = new RecentIds(3);
    seen.remember('a');
    seen.remember('b');
    expect(seen.has('a')).toBe(true);
    expect(seen.has('c')).toBe(false);
  });

  it('holds at most `capacity` ids and forgets the least recently seen first', () => {
    const seen = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) seen.remember(id);
    expect(seen.has('a')).toBe(true); // a is now the most recent; b the least
    seen.remember('d');
    expect(seen.size).toBe(3);
    expect(seen.has('b')).toBe(false);
    expect(['a', 'c', 'd'].map((id) => seen.has(id))).toEqual([true, true, true]);
  });

  it('forgets ids beyond the window: a duplicate older than `capacity` distinct ids gets through', () => {
    const seen = new RecentIds(2);
    for (const id of ['a', 'b', 'c']) seen.remember(id);
    expect(seen.has('a')).toBe(false);
  });

  it('defaults to 10 000 ids and refuses a capacity that is not a positive integer', () => {
    expect(new RecentIds().capacity).toBe(10_000);
    expect(() => new RecentIds(0)).toThrow(RangeError);
    expect(() => new RecentIds(1.5)).toThrow(RangeError);
  });
});
