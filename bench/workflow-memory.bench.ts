import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject, it } from 'vitest';
import { createActivities } from '../apps/worker/src/activities/publish-agency-event.activity.js';
import { actUpdate, getCaseQuery, type VictimPathwayInput } from '../libs/contracts/src/index.js';
import { caseRefFromRandom } from '../libs/domain/src/index.js';
import type { EventPublisher } from '../libs/messaging/src/index.js';
import { ensureSearchAttributes } from '../libs/temporal/src/index.js';
import { workflowBundle } from '../test/support/workflow-bundle.js';
import { victimPathwayWorkflow } from '../workflows/victim-pathway.workflow.js';
import { percentile } from './support/figures.js';
import { rawAct, rawFloorWorkflow, type RawActivities } from './raw-floor.workflows.js';

/**
 * Issue 14, item 5: what each case the worker keeps in its workflow cache costs, against a raw workflow, and
 * what viewing a case costs once it has left the cache (a replay). The worker runs in this process with its
 * workflows on this thread (`debugMode`), so a forced garbage collection sees them: the heap after it, per
 * cached case. Cases are opened and identified (three acts), as in the reflection period; events go nowhere
 * (a publisher that drops them: their cost is not the workflow's). Real Temporal dev server. Figures only.
 */
const N = Number(process.env['BENCH_CACHED_CASES'] ?? 300);
const VIEWS = Number(process.env['BENCH_SAMPLES'] ?? 60);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i += 1) gc();
  return process.memoryUsage().heapUsed;
}

const dropping: EventPublisher = {
  publish: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

it('memory per cached case and the view of a case out of the cache', { timeout: 1_800_000 }, async () => {
  const address = inject('temporalAddress');
  const connection = await NativeConnection.connect({ address });
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection: await Connection.connect({ address }) });
  const bundle = await workflowBundle();
  const project = (taskQueue: string, maxCachedWorkflows: number) =>
    Worker.create({
      connection,
      taskQueue,
      workflowBundle: bundle,
      debugMode: true,
      maxCachedWorkflows,
      activities: createActivities({ publisher: dropping, heartbeat: () => undefined }),
    });
  const openAndIdentify = async (taskQueue: string): Promise<string> => {
    const caseRef = caseRefFromRandom(randomBytes(12));
    const input: VictimPathwayInput = {
      caseRef,
      referral: {
        by: 'police',
        channel: 'first-encounter',
        facts: { hasLegalStay: false, isDefendant: false, age: 'adult' },
      },
      access: [],
    };
    const handle = await client.workflow.start(victimPathwayWorkflow, {
      workflowId: caseRef,
      taskQueue,
      args: [input],
    });
    await handle.executeUpdate(actUpdate('recordInterview'), { args: [{ by: 'cmm' }] });
    await handle.executeUpdate(actUpdate('submitForIdentification'), { args: [{ by: 'cmm' }] });
    await handle.executeUpdate(actUpdate('decideIdentification'), {
      args: [{ by: 'dis', outcome: 'identified' }],
    });
    return caseRef;
  };
  const inLanes = async (count: number, one: () => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < count) {
          next += 1;
          await one();
        }
      }),
    );
  };
  const lines: string[] = [];
  const f = (ms: number) => ms.toFixed(1).padStart(6);
  try {
    // The project: N cases cached in one worker.
    const projectQueue = `bench-memory-${Date.now()}`;
    const refs: string[] = [];
    const worker = await project(projectQueue, N + 50);
    let perCase = 0;
    let warmViews: number[] = [];
    await worker.runUntil(async () => {
      await openAndIdentify(projectQueue); // the bundle loaded, the first case's cost out of the figure
      const before = heapAfterGc();
      await inLanes(N, async () => refs.push(await openAndIdentify(projectQueue)));
      perCase = (heapAfterGc() - before) / N;
      warmViews = await timeViews(refs);
    });

    // The raw floor: N workflows, each with one Update that awaited one activity.
    const rawQueue = `bench-memory-raw-${Date.now()}`;
    const activities: RawActivities = { produce: () => Promise.resolve() };
    const raw = await Worker.create({
      connection,
      taskQueue: rawQueue,
      workflowsPath: fileURLToPath(new URL('./raw-floor.workflows.ts', import.meta.url)),
      activities,
      debugMode: true,
      maxCachedWorkflows: N + 50,
    });
    let rawPerCase = 0;
    const rawIds: string[] = [];
    await raw.runUntil(async () => {
      const one = async () => {
        const handle = await client.workflow.start(rawFloorWorkflow, {
          taskQueue: rawQueue,
          workflowId: `raw-${randomUUID()}`,
        });
        await handle.executeUpdate(rawAct, { args: [randomUUID()] });
        rawIds.push(handle.workflowId);
      };
      await one();
      const before = heapAfterGc();
      await inLanes(N, one);
      rawPerCase = (heapAfterGc() - before) / N;
    });

    // Cold: a worker with no room in its cache replays each case to answer a view.
    const cold = await project(projectQueue, 0);
    let coldViews: number[] = [];
    await cold.runUntil(async () => {
      coldViews = await timeViews(refs);
    });
    lines.push(
      '',
      `workflow cache: ${N} cases opened and identified (3 acts each), heap after a forced GC, workflows on the test's thread; real Temporal dev server`,
      `  per cached case   project ${(perCase / 1024).toFixed(0).padStart(6)} KB   raw workflow (Update + activity) ${(rawPerCase / 1024).toFixed(0).padStart(5)} KB   ×${(perCase / rawPerCase).toFixed(1)}`,
      `  a case view (query), cached       p50 ${f(percentile(warmViews, 50))} ms  p99 ${f(percentile(warmViews, 99))} ms`,
      `  a case view (query), not cached   p50 ${f(percentile(coldViews, 50))} ms  p99 ${f(percentile(coldViews, 99))} ms  (a replay of its history)`,
      '',
    );
    process.stdout.write(lines.join('\n'));
    await Promise.all(
      [...refs, ...rawIds].map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('bench done')
          .catch(() => undefined),
      ),
    );
  } finally {
    await client.connection.close();
    await connection.close();
  }

  async function timeViews(refs: readonly string[]): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < VIEWS; i += 1) {
      const ref = refs[(i * 7919) % refs.length] ?? '';
      const started = performance.now();
      await client.workflow.getHandle(ref).query(getCaseQuery);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  }
});
