import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_CHANGED_TYPE,
  AUDIT_TOPIC,
  type AccessGrant,
  type CloudEvent,
} from '../libs/contracts/src/index.js';
import { RecordingPublisher } from '../test/support/recording-publisher.js';
import { DAY, withCase } from '../test/support/pathway-harness.js';
import { instant } from '../libs/domain/src/index.js';
import { getCase, grantAccessUpdate, revokeAccessUpdate } from './victim-pathway.workflow.js';

const HISTORIES = fileURLToPath(new URL('../test/replay/histories/', import.meta.url));
const ADULT_WITHOUT_STAY = {
  by: 'police',
  channel: 'first-encounter',
  facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
} as const;

/** A publisher that refuses one event type for good, as the activity does with an event that breaks its contract. */
class RefusingPublisher extends RecordingPublisher {
  constructor(private readonly refusedType: string) {
    super();
  }
  override publish(
    deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>,
  ): Promise<void> {
    if (deliveries.some((d) => d.event.type === this.refusedType)) {
      return Promise.reject(ApplicationFailure.nonRetryable('refused for the test', 'InvalidEventError'));
    }
    return super.publish(deliveries);
  }
}

/** A broker that fails the first send of one event type (an outage as the local try meets it). */
class BrokerAwayOnce extends RecordingPublisher {
  refusals = 0;
  constructor(private readonly type: string) {
    super();
  }
  override publish(
    deliveries: ReadonlyArray<{ readonly topic: string; readonly event: CloudEvent }>,
  ): Promise<void> {
    if (this.refusals === 0 && deliveries.some((d) => d.event.type === this.type)) {
      this.refusals += 1;
      return Promise.reject(new Error('the broker is away'));
    }
    return super.publish(deliveries);
  }
}

describe('victimPathwayWorkflow: access grants and undeliverable events (time-skipping server)', () => {
  it('keeps access grants in the case and in the AccessGrants search attribute, across continue-as-new', async () => {
    await withCase(
      'access',
      ADULT_WITHOUT_STAY,
      async (run) => {
        const opened = await run.handle.query(getCase);
        expect(opened.access).toEqual([
          expect.objectContaining({ role: 'police', party: 'nec', by: 'police' }),
        ]);
        const grant = (role: 'ngo' | 'iom', party: string) =>
          run.handle.executeUpdate(grantAccessUpdate, { args: [{ by: 'cmm', grant: { role, party } }] });
        await grant('ngo', 'hopenow');
        await grant('iom', 'iom-dk');
        const again = await grant('ngo', 'hopenow');
        expect(again.access?.map((g) => `${g.role}:${g.party}`)).toEqual([
          'police:nec',
          'ngo:hopenow',
          'iom:iom-dk',
        ]);
        const revoked = await run.handle.executeUpdate(revokeAccessUpdate, {
          args: [{ by: 'cmm', grant: { role: 'ngo', party: 'hopenow' } }],
        });
        expect(revoked.access?.map((g) => `${g.role}:${g.party}`)).toEqual(['police:nec', 'iom:iom-dk']);
        await expect(
          run.handle.executeUpdate(revokeAccessUpdate, {
            args: [{ by: 'cmm', grant: { role: 'ngo', party: 'hopenow' } }],
          }),
        ).rejects.toMatchObject({ cause: { type: 'GRANT_NOT_FOUND' } });

        const described = await run.handle.describe();
        const attribute = described.typedSearchAttributes.getAll().find((p) => p.key.name === 'AccessGrants');
        expect(attribute?.value).toEqual(['police:nec', 'iom:iom-dk']);
        if (process.env['RECORD_HISTORIES'] === '1') {
          await mkdir(HISTORIES, { recursive: true });
          await writeFile(
            // Access changes announced, an act's events in one call (issue 14), published from the act's own
            // workflow task (ADR 0025); the histories from before each stay committed beside it.
            `${HISTORIES}victim-pathway.access-grants.local-first.json`,
            historyToJSON(await run.handle.fetchHistory()),
          );
        }

        // Through a continue-as-new (low threshold), the grants stay.
        const firstRun = described.runId;
        await run.act('recordInterview', { by: 'cmm' });
        await run.act('submitForIdentification', { by: 'cmm' });
        await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
        await run.skipTo(instant((await run.now()) + 31 * DAY));
        const latest = await run.env.client.workflow.getHandle(run.caseRef).describe();
        expect(latest.runId).not.toBe(firstRun);
        const carried = await run.env.client.workflow.getHandle(run.caseRef).query(getCase);
        expect(carried.access?.map((g) => `${g.role}:${g.party}`)).toEqual(['police:nec', 'iom:iom-dk']);

        // Every change is announced on the audit stream with the whole list, numbered across the runs.
        await run.env.client.workflow.getHandle(run.caseRef).executeUpdate(grantAccessUpdate, {
          args: [{ by: 'dis', grant: { role: 'shelter', party: 'reden' } }],
        });
        await expect.poll(() => run.publisher.accessChanges().length, { timeout: 10_000 }).toBe(5);
        const announced = run.publisher.accessChanges().map((event) => {
          const data = event.data as { accessSeq: number; change: string; by: string; grants: AccessGrant[] };
          return [
            event.id,
            data.accessSeq,
            data.change,
            data.by,
            data.grants.map((g) => `${g.role}:${g.party}`),
          ];
        });
        expect(announced).toEqual([
          [`${run.caseRef}/a00001`, 1, 'opened', 'police', ['police:nec']],
          [`${run.caseRef}/a00002`, 2, 'granted', 'cmm', ['ngo:hopenow', 'police:nec']],
          [`${run.caseRef}/a00003`, 3, 'granted', 'cmm', ['iom:iom-dk', 'ngo:hopenow', 'police:nec']],
          [`${run.caseRef}/a00004`, 4, 'revoked', 'cmm', ['iom:iom-dk', 'police:nec']],
          [`${run.caseRef}/a00005`, 5, 'granted', 'dis', ['iom:iom-dk', 'police:nec', 'shelter:reden']],
        ]);
        // The audit stream only: no agency topic gets them.
        expect(
          run.publisher.deliveries.filter((d) => d.event.type === ACCESS_CHANGED_TYPE).map((d) => d.topic),
        ).toEqual(Array(5).fill(AUDIT_TOPIC));
        await run.env.client.workflow.getHandle(run.caseRef).terminate('test done');
      },
      {
        continueAsNewAfterEvents: 40,
        access: [{ role: 'police', party: 'nec', by: 'police', at: '2026-01-01T00:00:00.000Z' }],
      },
    );
  });

  it('an event refused for good is set aside and named in the view; the case and its later events go on', async () => {
    const publisher = new RefusingPublisher('dk.pathway.interview-recorded.v1');
    await withCase(
      'undeliverable',
      ADULT_WITHOUT_STAY,
      async (run) => {
        // Each act's publication over before the next act (else their queued events may share a call).
        await expect
          .poll(() => run.events().some((e) => e.type === 'dk.pathway.case-referred.v1'))
          .toBe(true);
        await run.act('recordInterview', { by: 'cmm' });
        await expect.poll(async () => (await run.handle.query(getCase)).undeliverable?.length ?? 0).toBe(2);
        await run.act('submitForIdentification', { by: 'cmm' });
        const decided = await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
        expect(decided.stage).toBe('reflection-period');
        await run.skipTo(instant((await run.now()) + DAY));
        const view = await run.handle.query(getCase);
        // The act's events go out in one call (issue 14): a publish refused for good sets aside the act's
        // events — here the interview and the stage change it caused — and nothing of the acts after it.
        expect(view.undeliverable?.map((e) => e.key)).toEqual([
          'e00002-InterviewRecorded',
          'e00003-StageChanged',
        ]);
        const published = run.events().map((e) => e.type);
        expect(published).toContain('dk.pathway.period-started.v1');
        expect(published).not.toContain('dk.pathway.interview-recorded.v1');
        expect((await run.handle.describe()).status.name).toBe('RUNNING');
        await run.handle.terminate('test done');
      },
      { publisher },
    );
  });

  /** The publications of a case's history: local activities (ADR 0025) and activity tasks, by name. */
  const publicationsOf = async (run: {
    handle: { fetchHistory(): Promise<{ events?: temporal.api.history.v1.IHistoryEvent[] | null }> };
  }) => {
    const events = (await run.handle.fetchHistory()).events ?? [];
    return {
      events,
      tasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
      local: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
      activities: events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name),
    };
  };

  it('one publish per act, from the act’s own workflow task: a local activity, no activity task (ADR 0025)', async () => {
    await withCase('batches', ADULT_WITHOUT_STAY, async (run) => {
      // Each act's events published before the next act (else two acts' queued events may share a call).
      const published = (type: string) =>
        expect.poll(() => run.events().some((e) => e.type === type)).toBe(true);
      await published('dk.pathway.case-referred.v1');
      await run.act('recordInterview', { by: 'cmm' });
      // Published when the act answers: the publication is part of the act's workflow task.
      expect(run.events().map((e) => e.type)).toContain('dk.pathway.interview-recorded.v1');
      await run.act('submitForIdentification', { by: 'cmm' });
      await published('dk.pathway.identification-requested.v1');
      await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      await published('dk.pathway.period-started.v1');
      const { events, tasks, local, activities } = await publicationsOf(run);
      // The referral (the case referred and who may see it), the interview, the submission, the decision.
      expect(local).toHaveLength(4);
      expect(local.every((e) => e.markerRecordedEventAttributes?.failure == null)).toBe(true);
      expect(activities).toEqual([]);
      process.stdout.write(
        `[batches] through identification: ${local.length} local activities, ${activities.length} activity tasks, ${tasks} workflow tasks, ${events.length} history events, ${run.events().length} events published\n`,
      );
      await run.handle.terminate('test done');
    });
  });

  it('a broker that does not answer the local try: the durable activity publishes the same events, once each, in order', async () => {
    const publisher = new BrokerAwayOnce('dk.pathway.interview-recorded.v1');
    await withCase(
      'local-first-fallback',
      ADULT_WITHOUT_STAY,
      async (run) => {
        await expect
          .poll(() => run.events().some((e) => e.type === 'dk.pathway.case-referred.v1'))
          .toBe(true);
        const interviewed = await run.act('recordInterview', { by: 'cmm' });
        expect(interviewed.stage).toBe('interviewing');
        await expect
          .poll(() => run.events().some((e) => e.type === 'dk.pathway.interview-recorded.v1'))
          .toBe(true);
        await run.act('submitForIdentification', { by: 'cmm' });
        await expect
          .poll(() => run.events().some((e) => e.type === 'dk.pathway.identification-requested.v1'))
          .toBe(true);
        expect(publisher.refusals).toBe(1);
        const { local, activities } = await publicationsOf(run);
        // The referral's and the submission's from their tasks; the interview's local try failed, and the
        // durable activity sent it.
        expect(local.filter((e) => e.markerRecordedEventAttributes?.failure != null)).toHaveLength(1);
        expect(activities).toEqual(['publishAgencyEvents']);
        const keys = run.events().map((e) => e.id.split('/')[1]);
        expect(keys).toEqual([...new Set(keys)]);
        expect(keys.filter((k) => k?.startsWith('e'))).toEqual([
          'e00001-CaseReferred',
          'e00002-InterviewRecorded',
          'e00003-StageChanged',
          'e00004-IdentificationRequested',
          'e00005-StageChanged',
        ]);
        expect((await run.handle.query(getCase)).undeliverable ?? []).toEqual([]);
        await run.handle.terminate('test done');
      },
      { publisher },
    );
  });
});
