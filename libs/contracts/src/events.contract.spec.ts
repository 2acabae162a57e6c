import { describe, expect, it } from 'vitest';
import { PATHWAY_EVENT_TYPES } from '../../domain/src/index.js';
import {
  ALL_TOPICS,
  ACCESS_LOG_TOPIC,
  AUDIT_TOPIC,
  AGENCY_IDS,
  REMINDER_EVENT_TYPE,
  agencyTopic,
  cloudEventSchema,
  cloudEventTypeOf,
  pathwayEventRequest,
  reminderDataSchema,
  reminderEventRequest,
  toCloudEvent,
  type ReminderEventRequest,
} from './index.js';
import { DENMARK_2013_REVISED, instant, scheduleFor } from '../../domain/src/index.js';
import { scenario } from '../../domain/src/testing/scenario.fixtures.js';

const caseRef = 'PW-7K2M9Q4X1D3F';
const at = '2026-12-01T10:00:00.000Z';
const referred = {
  type: 'InterviewRecorded',
  at,
  by: 'ngo',
} as const;

describe('CloudEvents envelope', () => {
  it('builds a CloudEvents 1.0 envelope whose id is deterministic from case ref and event number', () => {
    const a = toCloudEvent(pathwayEventRequest(caseRef, 7, referred as never, ['cmm']));
    const b = toCloudEvent(pathwayEventRequest(caseRef, 7, referred as never, ['cmm']));
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      specversion: '1.0',
      id: `${caseRef}/e00007-InterviewRecorded`,
      type: 'dk.pathway.interview-recorded.v1',
      subject: caseRef,
      datacontenttype: 'application/json',
      data: { caseRef, type: 'InterviewRecorded', at, by: 'ngo' },
    });
    expect(cloudEventSchema.parse(a)).toEqual(a);
  });

  it('gives every domain event a versioned dk.pathway type', () => {
    const types = PATHWAY_EVENT_TYPES.map(cloudEventTypeOf);
    expect(new Set(types).size).toBe(PATHWAY_EVENT_TYPES.length);
    for (const type of types) expect(type).toMatch(/^dk\.pathway\.[a-z]+(-[a-z]+)*\.v1$/);
    expect(cloudEventTypeOf('DeadlineMissed')).toBe('dk.pathway.deadline-missed.v1');
  });

  it('refuses a reminder with a field outside its contract (no personal data can slip in)', () => {
    const reminder: ReminderEventRequest = {
      caseRef,
      key: 'reminder/x',
      type: REMINDER_EVENT_TYPE,
      time: at,
      recipients: ['police'],
      data: {
        caseRef,
        deadlineId: 'permit-expiry:1',
        deadlineKind: 'permit-expiry',
        rule: 'R12',
        dueAt: at,
        daysBefore: 30,
        responsible: 'police',
        summary: 'permit term 1 ends',
      },
    };
    expect(toCloudEvent(reminder).type).toBe(REMINDER_EVENT_TYPE);
    // A field the contract does not have, as a broken build or a tampered history could carry it.
    const tampered = { ...reminder, data: { ...reminder.data, name: 'someone' } };
    expect(() => toCloudEvent(tampered as ReminderEventRequest)).toThrow(/name/);
  });

  it('refuses a subject that is not a case ref', () => {
    expect(() =>
      toCloudEvent(pathwayEventRequest('Jane Doe 1990-01-01', 1, referred as never, [])),
    ).toThrow();
  });

  it('has one topic per agency plus the audit stream and the access log', () => {
    expect(ALL_TOPICS).toEqual([...AGENCY_IDS.map(agencyTopic), AUDIT_TOPIC, ACCESS_LOG_TOPIC]);
    expect(agencyTopic('iom')).toBe('pathway.iom.v1');
  });
});

describe('reminders name who must act and how to reach them', () => {
  it('R12: a permit-expiry reminder carries the responsible agency’s contact point from the directory', () => {
    const given = scenario(DENMARK_2013_REVISED, instant('2027-01-04T09:00:00.000Z'))
      .refer()
      .identify()
      .grantPermit();
    const reminder = scheduleFor(given.state, DENMARK_2013_REVISED).actions.find(
      (a) => a.kind === 'reminder',
    );
    if (reminder?.kind !== 'reminder') throw new Error('a reminder is scheduled');
    const request = reminderEventRequest(given.case.caseRef, reminder, given.state, DENMARK_2013_REVISED);
    expect(request.recipients).toEqual(['police']);
    expect(request.data).toMatchObject({
      responsible: 'police',
      contact: { agency: 'police', phone: '+45 33 14 88 88', email: 'nec-menneskehandel@politi.dk' },
    });
    expect(reminderDataSchema.parse(request.data)).toBeTruthy();
  });
});
