import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIT_TOPIC,
  REMINDER_EVENT_TYPE,
  agencyTopic,
  type CaseView,
} from '../../libs/contracts/src/index.js';
import { instant, type Instant } from '../../libs/domain/src/index.js';
import { plusDays, plusMonths, remindedAt } from '../support/policy-time.js';
import { assertMatchesAsyncApi } from '../support/asyncapi-validator.js';
import { type RunningGateway } from '../support/gateway-harness.js';
import { KafkaReader, type ReadMessage } from '../support/kafka-reader.js';
import { DAY, timeSkippingEnv } from '../support/pathway-harness.js';
import { e2eSystem, okView as ok } from '../support/e2e-system.js';

/**
 * The three "used by" flows end to end: the real gateway and worker (their composition roots, in this
 * process) over HTTP with real bearer tokens, every event read back from Kafka by a real consumer group.
 *
 * 1. Police renewal requests: real Temporal dev server, real time.
 * 2. Automated reminders and escalations, and 3. IOM reintegration check-ins: the same system pointed at
 *    Temporal's time-skipping test server, whose clock the test moves forward a week at a time.
 */

const adultWithoutStay = { facts: { hasLegalStay: false, age: 'adult' } };
const WAIT = 60_000;

const addMonths = plusMonths;

/** Messages about one case, optionally on one topic and of one type. */
function about(
  messages: readonly ReadMessage[],
  caseRef: string,
  topic?: string,
  type?: string,
): ReadMessage[] {
  return messages.filter(
    (m) =>
      m.event.subject === caseRef &&
      (topic === undefined || m.topic === topic) &&
      (type === undefined || m.event.type === type),
  );
}

/** Distinct events (by CloudEvents id): a retried publish may deliver one twice, with the same id. */
function distinct(messages: readonly ReadMessage[]): ReadMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => (seen.has(m.event.id) ? false : (seen.add(m.event.id), true)));
}

const data = (message: ReadMessage | undefined): Record<string, unknown> => message?.event.data ?? {};

async function waitForOne(
  reader: KafkaReader,
  match: (m: ReadMessage) => boolean,
  timeoutMs = WAIT,
): Promise<ReadMessage> {
  const read = await reader.waitFor((messages) => messages.some(match), timeoutMs);
  return read.find(match)!;
}

/**
 * Every delivery of the case read so far matches its topic's channel in the committed AsyncAPI document;
 * returns how many were checked.
 */
function matchAsyncApi(reader: KafkaReader, caseRef: string): number {
  const read = about(reader.messages, caseRef);
  for (const message of read) assertMatchesAsyncApi(message.topic, message.event);
  return read.length;
}

function deadline(view: CaseView, kind: string): CaseView['deadlines'][number] {
  const found = view.deadlines.find((d) => d.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} deadline in ${JSON.stringify(view.deadlines)}`);
  return found;
}

describe('used by the police: permit renewal requests (real dev server, real time)', () => {
  const e2e = e2eSystem('used-by-police', {
    topics: [agencyTopic('police'), agencyTopic('dis'), agencyTopic('cmm'), AUDIT_TOPIC],
  });
  /** Another police unit, with no grant on the case. */
  let otherUnit: string;

  beforeAll(async () => {
    otherUnit = await e2e.gateway.token('police', `${e2e.unit}-other`);
  });

  it('R11 R12: police request a renewal; DIS receives the application and grants it; police receive the next term, 6 months on from the previous end', async () => {
    // R1/R2/R4: police meet the person; CMM interviews; DIS (competent: no legal stay) identifies.
    const opened = await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay);
    const ref = opened.caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification'));
    const identified = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', {
      outcome: 'identified',
    });
    ok(identified);
    expect((identified.body as CaseView).stage).toBe('reflection-period');

    // R11: police apply for the §9c(5) permit; DIS grants the first 6-month term.
    const applied = await e2e.gateway.act(e2e.tokens.police, 'police', ref, 'applyForPermit', {
      victimCooperatesWithPolice: true,
    });
    ok(applied);
    const granted = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decidePermit', { outcome: 'granted' });
    ok(granted);
    const permitted = granted.body as CaseView;
    expect(permitted.stage).toBe('permit');
    const term1 = deadline(permitted, 'permit-expiry');
    expect(term1).toMatchObject({ id: 'permit-expiry:1', responsible: 'police', rule: 'R12' });
    expect(term1.dueAt).toBe(addMonths(instant(term1.explanation.startsAt), 6));
    const term1End = term1.dueAt;

    // Object scope: another police unit's token is answered as for an unknown case, on read and on act
    // (the act would be valid for the unit that holds the case, so it is the scope that refuses it).
    const otherRead = await e2e.gateway.call<{ code: string }>('GET', `/police/cases/${ref}`, {
      token: otherUnit,
    });
    expect(otherRead.status).toBe(404);
    expect(otherRead.body.code).toBe('CASE_NOT_FOUND');
    const otherRenewal = await e2e.gateway.act(otherUnit, 'police', ref, 'requestPermitRenewal', {
      victimCooperatesWithPolice: true,
    });
    expect(otherRenewal.status).toBe(404);
    expect((otherRenewal.body as { code: string }).code).toBe('CASE_NOT_FOUND');
    // Role: DIS may see every case, but not through the police gateway.
    const wrongGateway = await e2e.gateway.call<{ code: string }>('GET', `/police/cases/${ref}`, {
      token: e2e.tokens.dis,
    });
    expect(wrongGateway.status).toBe(403);
    expect(wrongGateway.body.code).toBe('WRONG_ROLE');
    const wrongGatewayAct = await e2e.gateway.act(e2e.tokens.dis, 'police', ref, 'requestPermitRenewal', {
      victimCooperatesWithPolice: true,
    });
    expect(wrongGatewayAct.status).toBe(403);
    expect((wrongGatewayAct.body as { code: string }).code).toBe('WRONG_ROLE');

    // "My deadlines": the unit holding the case sees its permit expiry; the other unit does not.
    const mine = await waitForListing(e2e.gateway, e2e.tokens.police, '/police/deadlines?days=200', ref);
    expect(mine).toMatchObject({
      caseRef: ref,
      stage: 'permit',
      deadline: { kind: 'permit-expiry', responsible: 'police' },
    });
    expect(Date.parse(mine.deadline.dueAt)).toBe(Date.parse(term1End));
    const theirs = await e2e.gateway.call<{ caseRef: string }[]>('GET', '/police/deadlines?days=200', {
      token: otherUnit,
    });
    ok(theirs);
    expect(theirs.body.map((e) => e.caseRef)).not.toContain(ref);

    // R12: the renewal application, sent twice with one Idempotency-Key (a client retry).
    const key = `renewal-${ref}`;
    const renewal = await e2e.gateway.act(
      e2e.tokens.police,
      'police',
      ref,
      'requestPermitRenewal',
      { victimCooperatesWithPolice: true },
      key,
    );
    ok(renewal);
    const pending = renewal.body as CaseView;
    expect(deadline(pending, 'permit-renewal-decision')).toMatchObject({
      id: 'permit-renewal-decision:1',
      responsible: 'dis',
      dueAt: term1End,
    });
    const retried = await e2e.gateway.act(
      e2e.tokens.police,
      'police',
      ref,
      'requestPermitRenewal',
      { victimCooperatesWithPolice: true },
      key,
    );
    ok(retried);
    expect((retried.body as CaseView).timeline).toEqual(pending.timeline);

    // DIS's topic receives the renewal application.
    const application = await waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('dis') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.permit-applied.v1' &&
        data(m)['renewal'] === true,
    );
    expect(application.key).toBe(ref);
    expect(application.headers['ce_type']).toBe('dk.pathway.permit-applied.v1');
    expect(application.event).toMatchObject({
      specversion: '1.0',
      source: 'urn:dk:victim-pathway',
      subject: ref,
      datacontenttype: 'application/json',
      data: { caseRef: ref, type: 'PermitApplied', by: 'police', renewal: true },
    });

    // A DIS officer decides; the police topic receives the grant with the next term.
    const decided = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decidePermit', { outcome: 'granted' });
    ok(decided);
    const term2End = addMonths(instant(term1End), 6);
    expect(deadline(decided.body as CaseView, 'permit-expiry')).toMatchObject({
      id: 'permit-expiry:2',
      responsible: 'police',
      dueAt: term2End,
    });
    const renewed = await waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('police') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.permit-granted.v1' &&
        data(m)['termNo'] === 2,
    );
    expect(renewed.event.data).toMatchObject({
      caseRef: ref,
      type: 'PermitGranted',
      by: 'dis',
      renewal: true,
      termNo: 2,
      startsAt: term1End,
      endsAt: term2End,
    });
    expect(Date.parse(term2End)).toBeGreaterThan(Date.parse(term1End) + 180 * DAY);

    // One event for the twice-sent request: the audit stream holds every event of the case in order (one
    // partition per case), so once the renewal grant is read, any duplicate application would be too.
    await e2e.reader.waitFor((m) =>
      about(m, ref, AUDIT_TOPIC, 'dk.pathway.permit-granted.v1').some((x) => data(x)['termNo'] === 2),
    );
    const applications = distinct(
      about(e2e.reader.messages, ref, AUDIT_TOPIC, 'dk.pathway.permit-applied.v1'),
    );
    expect(applications.map((m) => data(m)['renewal'])).toEqual([false, true]);
    expect(
      distinct(about(e2e.reader.messages, ref, agencyTopic('dis'), 'dk.pathway.permit-applied.v1')).filter(
        (m) => data(m)['renewal'] === true,
      ),
    ).toHaveLength(1);
    const asPolice = await e2e.gateway.call<CaseView>('GET', `/police/cases/${ref}`, {
      token: e2e.tokens.police,
    });
    expect(asPolice.body.timeline.filter((t) => t.type === 'PermitApplied')).toHaveLength(2);
    // Every delivery of the case read so far matches its topic's channel in docs/asyncapi.yaml.
    expect(matchAsyncApi(e2e.reader, ref)).toBeGreaterThan(0);
  });
});

/** A row of "my deadlines" (`DeadlineEntry`). */
interface ListingEntry {
  readonly caseRef: string;
  readonly stage: string;
  readonly deadline: { readonly kind: string; readonly responsible: string; readonly dueAt: string };
}

/** Listings read Temporal's visibility store, which follows the case with a short lag: poll generously. */
async function waitForListing(
  system: RunningGateway,
  token: string,
  path: string,
  caseRef: string,
): Promise<ListingEntry> {
  const deadlineAt = Date.now() + WAIT;
  let last: unknown;
  for (;;) {
    const result = await system.call<ListingEntry[]>('GET', path, { token });
    last = result.body;
    const entry =
      result.status === 200
        ? result.body.find((e) => e.caseRef === caseRef && e.stage === 'permit')
        : undefined;
    if (entry !== undefined) return entry;
    if (Date.now() > deadlineAt)
      throw new Error(`${caseRef} never listed at ${path}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('used by CMM, police and IOM: automated reminders, escalations and reintegration check-ins (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  /** Moves the test server's clock to `at`, a week at a time (longer sleeps were seen to stall it). */
  const skipTo = async (at: string): Promise<void> => {
    for (;;) {
      const wait = Date.parse(at) - (await env.currentTimeMs());
      if (wait <= 0) return;
      await env.sleep(Math.min(wait, 7 * DAY));
    }
  };

  const reminders = (ref: string, topic: string, kind: string): ReadMessage[] =>
    distinct(about(e2e.reader.messages, ref, topic, REMINDER_EVENT_TYPE)).filter(
      (m) => data(m)['deadlineKind'] === kind,
    );

  // Each test follows a case of its own from its referral (the test server's clock is shared, so every
  // instant below is relative to the case's own start).

  /** A case the police refer, CMM interviews and DIS identifies now: its reflection period runs (R1, R2, R4). */
  const identifiedCase = async (): Promise<{ ref: string; t0: number; identified: CaseView }> => {
    const t0 = await env.currentTimeMs();
    const ref = (await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay)).caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'recordInterview'));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', ref, 'submitForIdentification'));
    const identified = ok(
      await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decideIdentification', { outcome: 'identified' }),
    );
    return { ref, t0, identified };
  };

  /** An identified case two days before its reflection period ends, handed to IOM with AVR confirmed (R19). */
  const caseWithAvr = async (): Promise<{ ref: string; t0: number; reflectionEnd: Instant }> => {
    const { ref, t0, identified } = await identifiedCase();
    const reflectionEnd = instant(deadline(identified, 'reflection-period-end').dueAt);
    await skipTo(plusDays(reflectionEnd, -2));
    ok(
      await e2e.gateway.call('POST', `/cmm/cases/${ref}/access-grants`, {
        token: e2e.tokens.cmm,
        body: { role: 'iom', party: 'iom-dk' },
      }),
    );
    ok(await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'confirmAvrCooperation'));
    ok(await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'draftAvrPlan'));
    return { ref, t0, reflectionEnd };
  };

  /** IOM's copy of the case moving to the assisted return (R15). */
  const returnPassedToIom = (ref: string): Promise<ReadMessage> =>
    waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('iom') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.stage-changed.v1' &&
        data(m)['to'] === 'avr-return',
    );

  beforeAll(async () => {
    env = await timeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const e2e = e2eSystem('used-by-time', {
    temporalAddress: () => env.address,
    // The test server cannot describe task queues; the first act below shows the worker serving.
    gateway: { workerProbe: false },
    topics: [agencyTopic('cmm'), agencyTopic('police'), agencyTopic('iom'), agencyTopic('dis'), AUDIT_TOPIC],
  });

  it('R4: CMM, responsible for the reflection period, is reminded on its topic 10 and 3 days before the period ends', async () => {
    const { ref, t0, identified } = await identifiedCase();
    const end = deadline(identified, 'reflection-period-end');
    expect(end).toMatchObject({ id: 'reflection-period-end', responsible: 'cmm', rule: 'R4' });
    const reflectionEnd = instant(end.dueAt);
    // R4: 30 days from the identification, which happened at the simulated start (plus request latency).
    expect(reflectionEnd).toBe(plusDays(end.explanation.startsAt, 30));
    expect(Date.parse(end.explanation.startsAt) - t0).toBeGreaterThanOrEqual(0);
    expect(Date.parse(end.explanation.startsAt) - t0).toBeLessThan(10 * 60_000);

    await skipTo(plusDays(reflectionEnd, -2));

    await e2e.reader.waitFor(
      () => reminders(ref, agencyTopic('cmm'), 'reflection-period-end').length >= 2,
      WAIT,
    );
    const sent = reminders(ref, agencyTopic('cmm'), 'reflection-period-end');
    expect(sent.map((m) => m.event.time)).toEqual([
      remindedAt(reflectionEnd, 10),
      remindedAt(reflectionEnd, 3),
    ]);
    expect(sent.map((m) => data(m)['daysBefore'])).toEqual([10, 3]);
    for (const message of sent) {
      expect(message.key).toBe(ref);
      expect(message.event).toMatchObject({
        id: `${ref}/reminder/reflection-period-end/reminder-${String(data(message)['daysBefore'])}d@${reflectionEnd}`,
        type: REMINDER_EVENT_TYPE,
        subject: ref,
        data: {
          caseRef: ref,
          deadlineId: 'reflection-period-end',
          deadlineKind: 'reflection-period-end',
          rule: 'R4',
          dueAt: reflectionEnd,
          responsible: 'cmm',
          summary: expect.any(String),
        },
      });
    }
    // The audit stream has them too; the stage is unchanged (the period runs on until its end).
    await e2e.reader.waitFor(() => reminders(ref, AUDIT_TOPIC, 'reflection-period-end').length >= 2, WAIT);
    const view = await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${ref}`, { token: e2e.tokens.cmm });
    expect(view.body.stage).toBe('reflection-period');
    // Every delivery of the case read so far matches its topic's channel in docs/asyncapi.yaml.
    expect(matchAsyncApi(e2e.reader, ref)).toBeGreaterThan(0);
  });

  it('R19 R14: IOM sees the case only once CMM hands it over; then confirms AVR cooperation and drafts the plan', async () => {
    const { ref, t0, identified } = await identifiedCase();
    // Days into the period (the plan is drafted during it, R19).
    await skipTo(plusDays(deadline(identified, 'reflection-period-end').dueAt, -2));
    const before = await e2e.gateway.call<{ code: string }>('GET', `/iom/cases/${ref}`, {
      token: e2e.tokens.iom,
    });
    expect(before.status).toBe(404);
    expect(before.body.code).toBe('CASE_NOT_FOUND');
    const actBefore = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'confirmAvrCooperation');
    expect(actBefore.status).toBe(404);
    expect((actBefore.body as { code: string }).code).toBe('CASE_NOT_FOUND');

    const handed = await e2e.gateway.call<CaseView>('POST', `/cmm/cases/${ref}/access-grants`, {
      token: e2e.tokens.cmm,
      body: { role: 'iom', party: 'iom-dk' },
    });
    ok(handed);
    expect(handed.body.access).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'iom', party: 'iom-dk', by: 'cmm' })]),
    );

    const asIom = await e2e.gateway.call<CaseView>('GET', `/iom/cases/${ref}`, { token: e2e.tokens.iom });
    ok(asIom);
    expect(asIom.body.stage).toBe('reflection-period');
    // Need to know: IOM sees the period and the return, not who else holds access nor the intake facts.
    expect(asIom.body.access).toBeUndefined();
    expect(asIom.body.state).not.toHaveProperty('facts');

    ok(await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'confirmAvrCooperation'));
    const planned = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'draftAvrPlan');
    ok(planned);
    expect((planned.body as CaseView).state).toMatchObject({
      avr: { cooperationConfirmedAt: expect.any(String), planDraftedAt: expect.any(String) },
    });
    const confirmed = await waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('iom') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.avr-cooperation-confirmed.v1',
    );
    expect(confirmed.event.data).toMatchObject({ caseRef: ref, by: 'iom' });
    // The reflection period runs on: the acts happened at the simulated instant (days after the start).
    expect(Date.parse(confirmed.event.time) - t0).toBeGreaterThanOrEqual(27 * DAY);
    // Every delivery of the case read so far matches its topic's channel in docs/asyncapi.yaml.
    expect(matchAsyncApi(e2e.reader, ref)).toBeGreaterThan(0);
  });

  it('R11 R12 R15: police are reminded 30 and 7 days before the permit expires; on expiry the return planned under AVR passes to IOM', async () => {
    const { ref, reflectionEnd } = await caseWithAvr();
    const applied = await e2e.gateway.act(e2e.tokens.police, 'police', ref, 'applyForPermit', {
      victimCooperatesWithPolice: true,
    });
    ok(applied);
    const granted = await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decidePermit', { outcome: 'granted' });
    ok(granted);
    const term = deadline(granted.body as CaseView, 'permit-expiry');
    expect(term).toMatchObject({ id: 'permit-expiry:1', responsible: 'police', rule: 'R12' });
    const permitStart = instant(term.explanation.startsAt);
    const expiry = instant(term.dueAt);
    expect(expiry).toBe(addMonths(permitStart, 6));
    expect(Date.parse(permitStart)).toBeGreaterThanOrEqual(Date.parse(plusDays(reflectionEnd, -2)));

    await skipTo(plusDays(expiry, -6));
    await e2e.reader.waitFor(() => reminders(ref, agencyTopic('police'), 'permit-expiry').length >= 2, WAIT);
    const sent = reminders(ref, agencyTopic('police'), 'permit-expiry');
    expect(sent.map((m) => m.event.time)).toEqual([remindedAt(expiry, 30), remindedAt(expiry, 7)]);
    expect(sent.map((m) => data(m))).toEqual([
      expect.objectContaining({
        deadlineId: 'permit-expiry:1',
        rule: 'R12',
        dueAt: expiry,
        daysBefore: 30,
        responsible: 'police',
      }),
      expect.objectContaining({
        deadlineId: 'permit-expiry:1',
        rule: 'R12',
        dueAt: expiry,
        daysBefore: 7,
        responsible: 'police',
      }),
    ]);
    // The reflection period was superseded by the permit: no further period reminder was sent.
    expect(reminders(ref, agencyTopic('cmm'), 'reflection-period-end')).toHaveLength(2);

    // No renewal: the permit expires at its end; AVR cooperation was confirmed, so the return follows (R15).
    await skipTo(plusDays(expiry, 1));
    const ended = await waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('police') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.permit-ended.v1',
    );
    expect(ended.event.time).toBe(expiry);
    expect(ended.event.data).toMatchObject({ cause: 'expired' });
    const handedToIom = await returnPassedToIom(ref);
    expect(handedToIom.event.time).toBe(expiry);
    expect(handedToIom.event.data).toMatchObject({ from: 'permit', to: 'avr-return', rule: 'R15' });
    // Every delivery of the case read so far matches its topic's channel in docs/asyncapi.yaml.
    expect(matchAsyncApi(e2e.reader, ref)).toBeGreaterThan(0);
  });

  it('R14: IOM records departure, arrival and check-ins; IOM is reminded 3 days before each check-in; a missed one is escalated to CMM (and IOM is told) after 3 days of grace', async () => {
    // A case in the return: AVR confirmed, a permit granted and expired without renewal (R15).
    const { ref } = await caseWithAvr();
    ok(
      await e2e.gateway.act(e2e.tokens.police, 'police', ref, 'applyForPermit', {
        victimCooperatesWithPolice: true,
      }),
    );
    const granted = ok(
      await e2e.gateway.act(e2e.tokens.dis, 'dis', ref, 'decidePermit', { outcome: 'granted' }),
    );
    await skipTo(plusDays(deadline(granted, 'permit-expiry').dueAt, 1));
    await returnPassedToIom(ref);
    const departed = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordDeparture');
    ok(departed);
    expect((departed.body as CaseView).stage).toBe('avr-return');
    const arrived = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordArrival');
    ok(arrived);
    const monitoring = arrived.body as CaseView;
    expect(monitoring.stage).toBe('monitoring');
    const plan = (monitoring.state as { monitoring?: { arrivedAt: string; checkInsDueAt: string[] } })
      .monitoring;
    expect(plan).toBeDefined();
    const arrival = instant(plan!.arrivedAt);
    const month = (n: number, days = 0): Instant => plusDays(addMonths(arrival, n), days);
    expect(plan!.checkInsDueAt).toEqual([1, 2, 3, 4, 5, 6].map((n) => month(n)));
    expect(deadline(monitoring, 'check-in')).toMatchObject({ id: 'check-in:1', responsible: 'iom' });

    // No check-in in the first month: reminded at −3 days, escalated to CMM 3 days after the due date.
    await skipTo(month(1, 4));
    await e2e.reader.waitFor(() => reminders(ref, agencyTopic('iom'), 'check-in').length >= 1, WAIT);
    const missed = await waitForOne(
      e2e.reader,
      (m) =>
        m.topic === agencyTopic('cmm') &&
        m.event.subject === ref &&
        m.event.type === 'dk.pathway.deadline-missed.v1',
    );
    expect(missed.event.time).toBe(month(1, 3));
    expect(missed.event.data).toMatchObject({
      caseRef: ref,
      type: 'DeadlineMissed',
      deadlineId: 'check-in:1',
      kind: 'check-in',
      rule: 'R14',
      responsible: 'iom',
      escalateTo: ['cmm'],
    });

    // A late check-in fills the missed slot.
    const late = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordCheckIn');
    ok(late);
    const afterLate = late.body as CaseView;
    expect(afterLate.deadlines.map((d) => d.id)).not.toContain('check-in:1');
    expect(deadline(afterLate, 'check-in').id).toBe('check-in:2');

    // The second month: reminded, then checked in on time.
    await skipTo(month(2, -1));
    await e2e.reader.waitFor(() => reminders(ref, agencyTopic('iom'), 'check-in').length >= 2, WAIT);
    const onTime = await e2e.gateway.act(e2e.tokens.iom, 'iom', ref, 'recordCheckIn');
    ok(onTime);
    expect(deadline(onTime.body as CaseView, 'check-in').id).toBe('check-in:3');

    // Run on to the third month's reminder: it is published after anything due before it (one partition
    // per case on the audit stream), so reading it shows that the on-time check-in escalated nothing.
    await skipTo(month(3, -2));
    await e2e.reader.waitFor(() => reminders(ref, AUDIT_TOPIC, 'check-in').length >= 3, WAIT);
    const checkInReminders = reminders(ref, agencyTopic('iom'), 'check-in');
    expect(
      checkInReminders.map((m) => [
        data(m)['deadlineId'],
        m.event.time,
        data(m)['dueAt'],
        data(m)['responsible'],
      ]),
    ).toEqual([
      ['check-in:1', remindedAt(month(1), 3), month(1), 'iom'],
      ['check-in:2', remindedAt(month(2), 3), month(2), 'iom'],
      ['check-in:3', remindedAt(month(3), 3), month(3), 'iom'],
    ]);
    expect(checkInReminders.every((m) => data(m)['daysBefore'] === 3 && data(m)['rule'] === 'R14')).toBe(
      true,
    );
    const escalations = distinct(
      about(e2e.reader.messages, ref, AUDIT_TOPIC, 'dk.pathway.deadline-missed.v1'),
    );
    expect(escalations.map((m) => data(m)['deadlineId'])).toEqual(['check-in:1']);
    // The escalation reaches CMM and, so that it knows, IOM (the agency that missed the check-in).
    expect(
      distinct(about(e2e.reader.messages, ref, agencyTopic('iom'), 'dk.pathway.deadline-missed.v1')).map(
        (m) => data(m)['deadlineId'],
      ),
    ).toEqual(['check-in:1']);

    const asIom = await e2e.gateway.call<CaseView>('GET', `/iom/cases/${ref}`, { token: e2e.tokens.iom });
    ok(asIom);
    expect(asIom.body.state).toMatchObject({
      stage: 'monitoring',
      monitoring: { checkIns: [expect.objectContaining({ slot: 1 }), expect.objectContaining({ slot: 2 })] },
    });
    // Every delivery of the case read so far matches its topic's channel in docs/asyncapi.yaml.
    expect(matchAsyncApi(e2e.reader, ref)).toBeGreaterThan(0);
  });
  it('R6: an extension requested after the period’s end is 409 DEADLINE_PASSED and changes nothing', async () => {
    const late = (await e2e.gateway.open(e2e.tokens.police, 'police', adultWithoutStay)).caseRef;
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', late, 'recordInterview'));
    ok(await e2e.gateway.act(e2e.tokens.cmm, 'cmm', late, 'submitForIdentification'));
    const identified = ok(
      await e2e.gateway.act(e2e.tokens.dis, 'dis', late, 'decideIdentification', { outcome: 'identified' }),
    );
    const end = deadline(identified, 'reflection-period-end').dueAt;
    // A request filed in time holds the period end while DIS decides (R6) …
    await skipTo(plusDays(end, -5));
    ok(
      await e2e.gateway.act(e2e.tokens.cmm, 'cmm', late, 'requestExtension', {
        days: 30,
        ground: 'special-reasons',
      }),
    );
    // … but a new request after the original end is too late.
    await skipTo(plusDays(end, 2));
    const before = (await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${late}`, { token: e2e.tokens.cmm }))
      .body.timeline;
    const refused = await e2e.gateway.act(e2e.tokens.cmm, 'cmm', late, 'requestExtension', {
      days: 10,
      ground: 'special-reasons',
    });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, code: 'DEADLINE_PASSED' });
    const after = (await e2e.gateway.call<CaseView>('GET', `/cmm/cases/${late}`, { token: e2e.tokens.cmm }))
      .body.timeline;
    expect(after).toEqual(before);
  });
});
