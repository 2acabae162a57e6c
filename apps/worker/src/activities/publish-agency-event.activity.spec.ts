import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { RecordingPublisher } from '../../../../test/support/recording-publisher.js';
import { createActivities } from './publish-agency-event.activity.js';

const caseRef = 'PW-7K2M9Q4X1D3F';

describe('publishAgencyEvent', () => {
  it('publishes one envelope to each recipient agency topic and the audit stream', async () => {
    const publisher = new RecordingPublisher();
    await createActivities({ publisher }).publishAgencyEvent({
      caseRef,
      key: 'identification-decided',
      type: 'dk.pathway.identification.decided.v1',
      time: '2026-12-01T10:00:00.000Z',
      data: { caseRef, identified: true, decidedBy: 'dis', decidedAt: '2026-12-01T10:00:00.000Z' },
    });
    expect(publisher.deliveries.map((d) => d.topic)).toEqual([
      'pathway.cmm.v1',
      'pathway.dis.v1',
      'pathway.audit.v1',
    ]);
    expect(new Set(publisher.deliveries.map((d) => d.event.id))).toEqual(
      new Set([`${caseRef}/identification-decided`]),
    );
  });

  it('fails a malformed event as non-retryable, naming the field but not echoing its value', async () => {
    const publisher = new RecordingPublisher();
    const failure = await createActivities({ publisher })
      .publishAgencyEvent({
        caseRef,
        key: 'case-opened',
        type: 'dk.pathway.case.opened.v1',
        time: '2026-12-01T10:00:00.000Z',
        data: { caseRef, referredBy: 'police', competentAuthority: 'dis', openedAt: 'yesterday' },
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidEventError', nonRetryable: true });
    expect((failure as Error).message).toMatch(/openedAt/);
    expect((failure as Error).message).not.toMatch(/yesterday/);
    expect(publisher.deliveries).toHaveLength(0);
  });
});
