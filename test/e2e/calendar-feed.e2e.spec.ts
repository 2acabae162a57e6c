import { randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_TOPIC,
  MAX_ACTIVE_CALENDAR_FEEDS,
  type AccessRecord,
  type CaseView,
} from '../../libs/contracts/src/index.js';
import { DENMARK_POLICIES, policyByVersion, reminderTiming } from '../../libs/domain/src/index.js';
import { e2eSystem } from '../support/e2e-system.js';

interface DeadlineEntry {
  readonly caseRef: string;
  readonly stage: string;
  readonly deadline: {
    readonly id: string;
    readonly kind: string;
    readonly rule: string;
    readonly dueAt: string;
    readonly explanation: {
      readonly summary: string;
      readonly startsAt: string;
      readonly policyVersion: string;
    };
  };
}
interface CreatedFeed {
  readonly id: string;
  readonly label?: string;
  readonly createdAt: string;
  readonly url: string;
}
interface Problem {
  readonly code: string;
  readonly errors?: { pointer: string }[];
}

/** The events of an iCalendar document, parsed with ical.js. */
function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  expect(calendar.name).toBe('vcalendar');
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().toISOString(),
      summary: event.summary,
      description: event.description,
      url: String(vevent.getFirstPropertyValue('url')),
      alarms: vevent.getAllSubcomponents('valarm').map((alarm) => ({
        action: String(alarm.getFirstPropertyValue('action')),
        at: (alarm.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().toISOString(),
      })),
    };
  });
}

/** An instant as iCalendar writes it: to the second (it has no fractions; the seconds are truncated). */
const toSecond = (at: string): string => new Date(Math.floor(Date.parse(at) / 1000) * 1000).toISOString();

const uidOf = (entry: DeadlineEntry): string => `${entry.deadline.id}.${entry.caseRef}@victim-pathway`;

/**
 * The calendar feed of "my deadlines" (issue 15 item 9, ADR 0020) on the real stack: a caller makes a feed
 * with its bearer token; a calendar client reads it with the feed's secret alone and gets, as iCalendar,
 * exactly what the caller's deadlines board lists — one event per deadline, its explanation and reminders,
 * case refs only; a revoked feed, an unknown one and another gateway's answer 404.
 */
describe('calendar feed of my deadlines', () => {
  const e2e = e2eSystem('calendar-feed', { topics: [ACCESS_LOG_TOPIC] });
  // A name of letters only (the person contract's rule), this run's own.
  const NAME = `Feedtest${randomBytes(4)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'.charAt(Number(d)))}`;
  let cmm: string;
  let caseRef: string;

  /** GET without any bearer header, as a calendar client does. */
  /** The request ids of the feed reads this file made (their access records are found by them). */
  const readIds = new Set<string>();
  const read = (url: string) =>
    fetch(url).then(async (response) => {
      const requestId = response.headers.get('x-request-id');
      if (requestId !== null) readIds.add(requestId);
      return { status: response.status, headers: response.headers, text: await response.text() };
    });
  const create = (token: string, role: string, body: unknown = {}) =>
    e2e.gateway.call<CreatedFeed & Problem>('POST', `/${role}/calendar-feeds`, { token, body });

  /** Every page of "my deadlines" within a year (the feed's horizon). */
  async function board(token: string, role: string): Promise<DeadlineEntry[]> {
    const entries: DeadlineEntry[] = [];
    let path: string | undefined = `/${role}/deadlines?days=365&limit=200`;
    while (path !== undefined) {
      const page: { status: number; body: DeadlineEntry[]; headers: Headers } = await e2e.gateway.call<
        DeadlineEntry[]
      >('GET', path, { token });
      expect(page.status).toBe(200);
      entries.push(...page.body);
      path = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    return entries;
  }

  beforeAll(async () => {
    // A subject of this file's own: its feeds are nobody else's (the limit counts per principal).
    cmm = await e2e.gateway.token('cmm', 'cmm', `feed-${randomBytes(4).toString('hex')}`);
    const opened = await e2e.gateway.open(cmm, 'cmm', { facts: { hasLegalStay: false, age: 'adult' } });
    caseRef = opened.caseRef;
    const person = await e2e.gateway.call('PATCH', `/cmm/cases/${caseRef}/person`, {
      token: cmm,
      body: { version: 0, identity: { givenNames: NAME, familyName: NAME } },
    });
    expect(person.status, JSON.stringify(person.body)).toBe(200);
    for (const [token, role, act, body] of [
      [cmm, 'cmm', 'record-interview', {}],
      [cmm, 'cmm', 'submit-for-identification', {}],
      [e2e.tokens.dis, 'dis', 'decide-identification', { outcome: 'identified' }],
    ] as const) {
      const done = await e2e.gateway.call<CaseView>('POST', `/${role}/cases/${caseRef}/${act}`, {
        token,
        body,
      });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    }
  });

  it('a feed made with a bearer token is read without one: one VEVENT per deadline the board lists, its explanation and reminders', async () => {
    const made = await create(cmm, 'cmm', { label: 'Phone' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(made.body).toMatchObject({ label: 'Phone', id: expect.any(String) as string });
    const url = new URL(made.body.url);
    expect(url.pathname).toBe('/cmm/deadlines.ics');
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The read model follows the audit stream: wait until the case's reflection period is on the board.
    const until = Date.now() + 30_000;
    while (!(await board(cmm, 'cmm')).some((e) => e.caseRef === caseRef) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // The board and the feed, read until the board stood still around the feed (other files add cases).
    let listed: DeadlineEntry[] = [];
    let feed = { status: 0, headers: new Headers(), text: '' };
    for (let attempt = 0; attempt < 10; attempt += 1) {
      listed = await board(cmm, 'cmm');
      feed = await read(url.href);
      const after = await board(cmm, 'cmm');
      if (JSON.stringify(after) === JSON.stringify(listed)) break;
    }
    expect(feed.status, feed.text).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('private, no-store');
    const events = eventsOf(feed.text);
    expect(events.map((e) => e.uid).sort()).toEqual(listed.map(uidOf).sort());

    const mine = listed.filter((e) => e.caseRef === caseRef);
    expect(mine.map((e) => e.deadline.kind)).toContain('reflection-period-end');
    for (const entry of mine) {
      const event = events.find((e) => e.uid === uidOf(entry))!;
      expect(event.start).toBe(toSecond(entry.deadline.dueAt));
      expect(event.summary).toContain(caseRef);
      expect(event.description).toContain(entry.deadline.explanation.summary);
      expect(event.description).toContain(`Rule: ${entry.deadline.rule}`);
      expect(event.url).toBe(`${e2e.gateway.baseUrl}/cases/${caseRef}`);
      // A DISPLAY alarm at each reminder the workflow sends (the policy's leads, moved off days off).
      const policy = policyByVersion(DENMARK_POLICIES, entry.deadline.explanation.policyVersion);
      const reminders = (policy.reminders[entry.deadline.kind as keyof typeof policy.reminders] ?? [])
        .map(
          (days) =>
            reminderTiming(
              entry.deadline.dueAt as never,
              days,
              entry.deadline.explanation.startsAt as never,
              policy,
            )?.at,
        )
        .filter((at): at is NonNullable<typeof at> => at !== undefined && Date.parse(at) > Date.now())
        .map(toSecond);
      expect(reminders.length).toBeGreaterThan(0);
      expect(event.alarms).toEqual(reminders.map((at) => ({ action: 'DISPLAY', at })));
    }
    // Case refs only: never the person's name (calendar servers copy feeds).
    expect(feed.text).not.toContain(NAME);

    // Every read is an access record naming who read, never the secret.
    const reads = (messages: readonly { topic: string; event: unknown }[]) =>
      messages
        .filter((m) => m.topic === ACCESS_LOG_TOPIC)
        .map((m) => m.event as AccessRecord)
        .filter((r) => r.data.operation === 'deadlineCalendar' && r.data.status === 200);
    // The access topic is shared with other files (the access matrix reads every role's feed, and its records
    // may still be on their way): this file's reads, by their request ids.
    const cmmReads = (messages: readonly { topic: string; event: unknown }[]) =>
      reads(messages).filter((r) => r.data.route === '/cmm/deadlines.ics' && readIds.has(r.data.requestId));
    const records = cmmReads(await e2e.reader.waitFor((messages) => cmmReads(messages).length >= 1));
    expect(records[0]?.data).toMatchObject({ role: 'cmm', org: 'cmm', route: '/cmm/deadlines.ics' });
    expect(JSON.stringify(reads(await e2e.reader.waitFor(() => true)))).not.toContain(
      url.searchParams.get('token'),
    );
    expect(JSON.stringify(records)).not.toContain(url.searchParams.get('token'));
  });

  it('lists the caller’s own feeds without secrets; revoking one makes its address answer 404', async () => {
    const made = await create(cmm, 'cmm', { label: 'Laptop' });
    expect(made.status).toBe(201);
    const secret = new URL(made.body.url).searchParams.get('token')!;
    const listed = await e2e.gateway.call<{ id: string; label?: string }[]>('GET', '/cmm/calendar-feeds', {
      token: cmm,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.find((f) => f.id === made.body.id)).toEqual({
      id: made.body.id,
      label: 'Laptop',
      createdAt: made.body.createdAt,
    });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    // Another caller of the same role neither sees nor revokes it.
    const other = await e2e.gateway.token('cmm', 'cmm', `feed-other-${randomBytes(4).toString('hex')}`);
    const theirs = await e2e.gateway.call<unknown[]>('GET', '/cmm/calendar-feeds', { token: other });
    expect(theirs.body).toEqual([]);
    const foreign = await e2e.gateway.call<Problem>('DELETE', `/cmm/calendar-feeds/${made.body.id}`, {
      token: other,
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'FEED_NOT_FOUND']);
    expect((await read(made.body.url)).status).toBe(200);

    const revoked = await e2e.gateway.call('DELETE', `/cmm/calendar-feeds/${made.body.id}`, { token: cmm });
    expect(revoked.status).toBe(204);
    const gone = await read(made.body.url);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(gone.text) as Problem).code).toBe('FEED_NOT_FOUND');
    const again = await e2e.gateway.call<Problem>('DELETE', `/cmm/calendar-feeds/${made.body.id}`, {
      token: cmm,
    });
    expect([again.status, again.body.code]).toEqual([404, 'FEED_NOT_FOUND']);
    const listedAfter = await e2e.gateway.call<{ id: string }[]>('GET', '/cmm/calendar-feeds', {
      token: cmm,
    });
    expect(listedAfter.body.map((f) => f.id)).not.toContain(made.body.id);
  });

  it('refuses another gateway’s feed, unknown and malformed secrets, and bad input (changing nothing)', async () => {
    const police = await create(e2e.tokens.police, 'police');
    expect(police.status).toBe(201);
    const secret = new URL(police.body.url).searchParams.get('token')!;
    const elsewhere = await read(`${e2e.gateway.baseUrl}/cmm/deadlines.ics?token=${secret}`);
    expect([elsewhere.status, (JSON.parse(elsewhere.text) as Problem).code]).toEqual([404, 'FEED_NOT_FOUND']);
    const unknown = await read(
      `${e2e.gateway.baseUrl}/cmm/deadlines.ics?token=${randomBytes(32).toString('base64url')}`,
    );
    expect(unknown.status).toBe(404);
    for (const query of ['', '?token=short', `?token=${secret}&days=3`]) {
      const bad = await read(`${e2e.gateway.baseUrl}/police/deadlines.ics${query}`);
      expect(bad.status, query).toBe(400);
      expect((JSON.parse(bad.text) as Problem).code).toBe('VALIDATION_FAILED');
    }
    // A bearer token is no feed secret: the feed is read with its own token only.
    const bearerOnly = await e2e.gateway.call<Problem>('GET', '/police/deadlines.ics', {
      token: e2e.tokens.police,
    });
    expect(bearerOnly.status).toBe(400);
    const badLabel = await create(cmm, 'cmm', { label: 'x'.repeat(61) });
    expect([badLabel.status, badLabel.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(badLabel.body.errors?.map((e) => e.pointer)).toEqual(['/label']);
    const extra = await create(cmm, 'cmm', { label: 'ok', owner: 'someone' });
    expect(extra.status).toBe(400);
    const badId = await e2e.gateway.call<Problem>('DELETE', '/cmm/calendar-feeds/not-a-uuid', { token: cmm });
    expect([badId.status, badId.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noBearer = await e2e.gateway.call('GET', '/cmm/calendar-feeds');
    expect(noBearer.status).toBe(401);
  });

  it('a granted role’s feed is scoped like its board: police without a grant see nothing of the case', async () => {
    const police = await create(e2e.tokens.police, 'police');
    expect(police.status).toBe(201);
    const feed = await read(police.body.url);
    expect(feed.status).toBe(200);
    expect(feed.text).not.toContain(caseRef);
    const listed = await board(e2e.tokens.police, 'police');
    expect(
      eventsOf(feed.text)
        .map((e) => e.uid)
        .sort(),
    ).toEqual(listed.map(uidOf).sort());
  });

  it(`holds at most ${MAX_ACTIVE_CALENDAR_FEEDS} active feeds per caller: 409 FEED_LIMIT_REACHED, until one is revoked`, async () => {
    const token = await e2e.gateway.token('ngo', 'ngo-feed', `feed-limit-${randomBytes(4).toString('hex')}`);
    const ids: string[] = [];
    for (let i = 0; i < MAX_ACTIVE_CALENDAR_FEEDS; i += 1) {
      const made = await create(token, 'ngo');
      expect(made.status).toBe(201);
      ids.push(made.body.id);
    }
    const over = await create(token, 'ngo');
    expect([over.status, over.body.code]).toEqual([409, 'FEED_LIMIT_REACHED']);
    expect((await e2e.gateway.call<unknown[]>('GET', '/ngo/calendar-feeds', { token })).body).toHaveLength(
      MAX_ACTIVE_CALENDAR_FEEDS,
    );
    expect((await e2e.gateway.call('DELETE', `/ngo/calendar-feeds/${ids[0]}`, { token })).status).toBe(204);
    expect((await create(token, 'ngo')).status).toBe(201);
  });
});
