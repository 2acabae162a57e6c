import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../apps/worker/src/activities/publish-agency-event.activity.js';
import type { CaseStateView, VictimPathwayInput } from '../libs/contracts/src/index.js';
import { caseRefFromRandom } from '../libs/domain/src/index.js';
import { ensureSearchAttributes } from '../libs/temporal/src/index.js';
import { provisionForTests } from '../test/support/servers.js';
import { RecordingPublisher } from '../test/support/recording-publisher.js';
import { workflowBundle } from '../test/support/workflow-bundle.js';
import { decideIdentification, getCaseState, victimPathwayWorkflow } from './victim-pathway.workflow.js';

const DAY = 86_400_000;
const HISTORIES = fileURLToPath(new URL('../test/replay/histories/', import.meta.url));

describe('victimPathwayWorkflow on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    const { temporalTestServer } = await provisionForTests();
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServer } },
    });
    await ensureSearchAttributes(env.client.connection, env.namespace ?? 'default');
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function runCase(
    taskQueue: string,
    fn: (publisher: RecordingPublisher) => Promise<void>,
  ): Promise<RecordingPublisher> {
    const publisher = new RecordingPublisher();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ publisher }),
    });
    await worker.runUntil(fn(publisher));
    return publisher;
  }

  it('R4: the literal 30-day reflection period ends 30 days after identification, then R10 departure is required', async () => {
    const caseRef = caseRefFromRandom(randomBytes(12));
    const input: VictimPathwayInput = {
      caseRef,
      intake: { referredBy: 'police', hasLegalStay: false, isDefendantInCriminalCase: false },
    };
    const wallStarted = performance.now();
    const publisher = await runCase('ts-reflection', async () => {
      const handle = await env.client.workflow.start(victimPathwayWorkflow, {
        workflowId: caseRef,
        taskQueue: 'ts-reflection',
        args: [input],
      });
      await env.sleep('2 days');
      const decided = await handle.executeUpdate(decideIdentification, {
        args: [{ identified: true, decidedBy: 'dis' }],
      });
      expect(decided.stage).toBe('reflection-period');
      await env.sleep('29 days');
      expect((await handle.query(getCaseState)).stage).toBe('reflection-period');
      const final: CaseStateView = await handle.result();
      expect(final.stage).toBe('departure-required');
      if (process.env['RECORD_HISTORIES'] === '1') {
        await mkdir(HISTORIES, { recursive: true });
        const history = await handle.fetchHistory();
        await writeFile(`${HISTORIES}victim-pathway.reflection-ended.json`, historyToJSON(history));
      }
    });

    const events = publisher.events();
    expect(events.map((e) => e.type)).toEqual([
      'dk.pathway.case.opened.v1',
      'dk.pathway.identification.decided.v1',
      'dk.pathway.reflection-period.started.v1',
      'dk.pathway.reflection-period.ended.v1',
    ]);
    const opened = Date.parse(events[0]!.time);
    const decided = Date.parse(events[1]!.time);
    const ended = Date.parse(events[3]!.time);
    expect(decided - opened).toBeGreaterThanOrEqual(2 * DAY);
    expect(decided - opened).toBeLessThan(2 * DAY + 60_000);
    expect(ended - decided).toBe(30 * DAY);
    expect(events[2]!.data).toMatchObject({ endsAt: events[3]!.time, ruleId: 'R4' });
    expect(events.every((e) => e.subject === caseRef && e.id.startsWith(`${caseRef}/`))).toBe(true);
    process.stdout.write(
      `31 simulated days ran in ${((performance.now() - wallStarted) / 1000).toFixed(1)} s of wall time\n`,
    );
  });

  it('R1: refuses an identification decision from an authority that is not competent, and changes nothing', async () => {
    const caseRef = caseRefFromRandom(randomBytes(12));
    await runCase('ts-routing', async () => {
      const handle = await env.client.workflow.start(victimPathwayWorkflow, {
        workflowId: caseRef,
        taskQueue: 'ts-routing',
        args: [
          { caseRef, intake: { referredBy: 'ngo', hasLegalStay: true, isDefendantInCriminalCase: false } },
        ],
      });
      await expect(
        handle.executeUpdate(decideIdentification, { args: [{ identified: true, decidedBy: 'dis' }] }),
      ).rejects.toMatchObject({ cause: { type: 'WRONG_AUTHORITY' } });
      const state = await handle.query(getCaseState);
      expect(state.stage).toBe('awaiting-identification');
      expect(state.competentAuthority).toBe('cmm');
      expect(state.timeline).toHaveLength(1);
      await handle.terminate('test done');
    });
  });
});
