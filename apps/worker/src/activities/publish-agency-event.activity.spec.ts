import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventPublisher } from '../../../../libs/messaging/src/index.js';
import { RecordingPublisher } from '../../../../test/support/recording-publisher.js';
import type { AgencyEventRequest } from '../../../../libs/contracts/src/index.js';
import { createActivities } from './publish-agency-event.activity.js';

/** A request as the activity receives it: JSON from a workflow's history, which the activity checks. */
const arrived = (request: object): AgencyEventRequest => request as AgencyEventRequest;

const caseRef = 'PW-7K2M9Q4X1D3F';
const at = '2026-12-01T10:00:00.000Z';

describe('publishAgencyEvent', () => {
  it('publishes one envelope to each recipient agency topic and the audit stream', async () => {
    const publisher = new RecordingPublisher();
    await createActivities({ publisher }).publishAgencyEvent(
      arrived({
        caseRef,
        key: 'e00002-IdentificationDecided',
        type: 'dk.pathway.identification-decided.v1',
        time: at,
        data: { caseRef, type: 'IdentificationDecided', at, by: 'dis', outcome: 'identified' },
        recipients: ['cmm', 'police', 'cmm'],
      }),
    );
    expect(publisher.deliveries.map((d) => d.topic)).toEqual([
      'pathway.cmm.v1',
      'pathway.police.v1',
      'pathway.audit.v1',
    ]);
    expect(new Set(publisher.deliveries.map((d) => d.event.id))).toEqual(
      new Set([`${caseRef}/e00002-IdentificationDecided`]),
    );
  });

  it('sends each topic the data minimised for its readers, under the same id', async () => {
    const publisher = new RecordingPublisher();
    const data = {
      caseRef,
      type: 'CaseReferred',
      at,
      policyVersion: 'dk-2013.1',
      by: 'police',
      channel: 'first-encounter',
      facts: {
        hasLegalStay: false,
        isDefendant: false,
        siriResponsible: false,
        age: 'adult',
        unaccompanied: false,
        isAsylumSeeker: false,
      },
      competentAuthority: 'dis',
    };
    await createActivities({ publisher }).publishAgencyEvent(
      arrived({
        caseRef,
        key: 'e00001-CaseReferred',
        type: 'dk.pathway.case-referred.v1',
        time: at,
        data,
        // A child's referral: the municipality that appoints the guardian is told (R17), minimised.
        recipients: ['cmm', 'dis', 'municipality'],
      }),
    );
    const byTopic = new Map(publisher.deliveries.map((d) => [d.topic, d.event]));
    expect([...byTopic.keys()]).toEqual([
      'pathway.cmm.v1',
      'pathway.dis.v1',
      'pathway.municipality.v1',
      'pathway.audit.v1',
    ]);
    expect(new Set([...byTopic.values()].map((e) => e.id))).toEqual(
      new Set([`${caseRef}/e00001-CaseReferred`]),
    );
    // R1: the status facts go to the identifying authorities (and police, R11) and the audit stream, not to
    // the municipality.
    expect(byTopic.get('pathway.cmm.v1')?.data).toEqual(data);
    expect(byTopic.get('pathway.dis.v1')?.data).toEqual(data);
    expect(byTopic.get('pathway.audit.v1')?.data).toEqual(data);
    const municipality = byTopic.get('pathway.municipality.v1')?.data;
    expect(municipality).not.toHaveProperty('facts');
    expect(municipality).not.toHaveProperty('channel');
    expect(municipality).toEqual({
      caseRef,
      type: 'CaseReferred',
      at,
      policyVersion: 'dk-2013.1',
      by: 'police',
      competentAuthority: 'dis',
    });
  });

  it('fails a malformed event as non-retryable, naming the field but not echoing its value', async () => {
    const publisher = new RecordingPublisher();
    const failure = await createActivities({ publisher })
      .publishAgencyEvent(
        arrived({
          caseRef,
          key: 'e00001-CaseReferred',
          type: 'dk.pathway.case-referred.v1',
          time: at,
          data: { caseRef, type: 'CaseReferred', at: 'yesterday' },
          recipients: ['cmm'],
        }),
      )
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidEventError', nonRetryable: true });
    expect((failure as Error).message).toMatch(/at/);
    expect((failure as Error).message).not.toMatch(/yesterday/);
    expect(publisher.deliveries).toHaveLength(0);
  });

  it("refuses a field outside the event type's contract, naming the field but not echoing its value", async () => {
    const publisher = new RecordingPublisher();
    const failure = await createActivities({ publisher })
      .publishAgencyEvent(
        arrived({
          caseRef,
          key: 'e00003-InterviewRecorded',
          type: 'dk.pathway.interview-recorded.v1',
          time: at,
          data: { caseRef, type: 'InterviewRecorded', at, by: 'ngo', interviewee: 'Jane Doe' },
          recipients: ['cmm'],
        }),
      )
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'InvalidEventError', nonRetryable: true });
    expect((failure as Error).message).toMatch(/interviewee/);
    expect((failure as Error).message).not.toMatch(/Jane/);
    expect(publisher.deliveries).toHaveLength(0);
  });
});

describe('publishAgencyEvents (issue 14: one act, one call)', () => {
  const interview = arrived({
    caseRef,
    key: 'e00002-InterviewRecorded',
    type: 'dk.pathway.interview-recorded.v1',
    time: at,
    data: { caseRef, type: 'InterviewRecorded', at, by: 'cmm' },
    recipients: ['cmm'],
  });
  const decided = arrived({
    caseRef,
    key: 'e00003-IdentificationDecided',
    type: 'dk.pathway.identification-decided.v1',
    time: at,
    data: { caseRef, type: 'IdentificationDecided', at, by: 'dis', outcome: 'identified' },
    recipients: ['cmm', 'police'],
  });

  it('sends every copy of every event in one publish, in order, with the same ids as one by one', async () => {
    let sends = 0;
    const publisher = new RecordingPublisher();
    const counting = {
      publish: (deliveries: Parameters<RecordingPublisher['publish']>[0]) => {
        sends += 1;
        return publisher.publish(deliveries);
      },
      close: () => publisher.close(),
    };
    expect(await createActivities({ publisher: counting }).publishAgencyEvents([interview, decided])).toEqual(
      {
        refused: [],
      },
    );
    expect(sends).toBe(1);
    expect(publisher.deliveries.map((d) => `${d.topic} ${d.event.id}`)).toEqual([
      `pathway.cmm.v1 ${caseRef}/e00002-InterviewRecorded`,
      `pathway.audit.v1 ${caseRef}/e00002-InterviewRecorded`,
      `pathway.cmm.v1 ${caseRef}/e00003-IdentificationDecided`,
      `pathway.police.v1 ${caseRef}/e00003-IdentificationDecided`,
      `pathway.audit.v1 ${caseRef}/e00003-IdentificationDecided`,
    ]);
  });

  it('names an event that breaks its contract (never its values) and sends the others', async () => {
    const publisher = new RecordingPublisher();
    const broken = arrived({
      caseRef,
      key: 'e00004-InterviewRecorded',
      type: 'dk.pathway.interview-recorded.v1',
      time: at,
      data: { caseRef, type: 'InterviewRecorded', at, by: 'ngo', interviewee: 'Jane Doe' },
      recipients: ['cmm'],
    });
    const answer = await createActivities({ publisher }).publishAgencyEvents([interview, broken, decided]);
    expect(answer.refused).toEqual([
      {
        key: 'e00004-InterviewRecorded',
        type: 'dk.pathway.interview-recorded.v1',
        reason: expect.stringMatching(/interviewee/),
      },
    ]);
    expect(JSON.stringify(answer)).not.toMatch(/Jane/);
    expect(new Set(publisher.deliveries.map((d) => d.event.id))).toEqual(
      new Set([`${caseRef}/e00002-InterviewRecorded`, `${caseRef}/e00003-IdentificationDecided`]),
    );
  });

  describe('heartbeats', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A publisher whose sends finish when the test says so. */
    const heldPublisher = () => {
      let finish!: () => void;
      const publisher: EventPublisher = {
        publish: () => new Promise<void>((resolve) => (finish = resolve)),
        close: () => Promise.resolve(),
      };
      return {
        publisher,
        finish: () => {
          finish();
        },
      };
    };

    it('sends none for a publish done within the interval: no call to the server as the events go out', async () => {
      vi.useFakeTimers();
      const { publisher, finish } = heldPublisher();
      const heartbeat = vi.fn();
      const publishing = createActivities({ publisher, heartbeat }).publishAgencyEvents([interview]);
      await vi.advanceTimersByTimeAsync(1_999);
      finish();
      await publishing;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(heartbeat).not.toHaveBeenCalled();
    });

    it('beats every 2 s while the broker holds a publish, and stops when it is done', async () => {
      vi.useFakeTimers();
      const { publisher, finish } = heldPublisher();
      const heartbeat = vi.fn();
      const publishing = createActivities({ publisher, heartbeat }).publishAgencyEvents([interview]);
      await vi.advanceTimersByTimeAsync(6_500);
      expect(heartbeat).toHaveBeenCalledTimes(3);
      finish();
      await publishing;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(heartbeat).toHaveBeenCalledTimes(3);
    });
  });
});
