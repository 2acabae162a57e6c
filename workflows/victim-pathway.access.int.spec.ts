import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ApplicationFailure } from '@temporalio/common';
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
            // Access changes announced and an act's events in one activity (issue 14); the histories from
            // before each stay committed beside it.
            `${HISTORIES}victim-pathway.access-grants.view-versions.json`,
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

  it('one publish per act: a case through identification costs one activity per act', async () => {
    await withCase('batches', ADULT_WITHOUT_STAY, async (run) => {
      // Each act's events published before the next act (else two acts' queued events may share a call).
      const published = (type: string) =>
        expect.poll(() => run.events().some((e) => e.type === type)).toBe(true);
      await published('dk.pathway.case-referred.v1');
      await run.act('recordInterview', { by: 'cmm' });
      await published('dk.pathway.interview-recorded.v1');
      await run.act('submitForIdentification', { by: 'cmm' });
      await published('dk.pathway.identification-requested.v1');
      await run.act('decideIdentification', { by: 'dis', outcome: 'identified' });
      await published('dk.pathway.period-started.v1');
      const events = (await run.handle.fetchHistory()).events ?? [];
      const tasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
      const activities = events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
      // The referral (the case referred and who may see it), the interview, the submission, the decision.
      expect(activities).toEqual(Array(4).fill('publishAgencyEvents'));
      process.stdout.write(
        `[batches] through identification: ${activities.length} activities, ${tasks} workflow tasks, ${events.length} history events, ${run.events().length} events published\n`,
      );
      await run.handle.terminate('test done');
    });
  });
});
