import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { inject, it } from 'vitest';
import { PATHWAY_CASES, TEMPORAL_CLIENT } from '../apps/gateway/src/tokens.js';
import {
  WorkflowTypes,
  caseStartMetadata,
  getCaseQuery,
  openedViewUpdate,
  referralSchema,
  type PathwayCases,
  type VictimPathwayInput,
} from '../libs/contracts/src/index.js';
import { caseRefFromRandom } from '../libs/domain/src/index.js';
import { startGateway } from '../test/support/gateway-harness.js';
import { percentile } from './support/figures.js';

/**
 * Where an opening's time goes at Temporal, without HTTP (issue 14): the gateway's port opening a case (since
 * ADR 0024 a start that names the view's number 1; the gateway builds the view), against update-with-start
 * (the start and the `openedView` Update answered from the first workflow task, as before ADR 0024), the
 * start and then a query of the view (as before that), and a start alone, interleaved, one at a time with a
 * pause between (the previous case's publication done). From each history: when the first task reached the
 * worker and when it completed, beside when the caller had its answer. Asserts nothing.
 */
const N = Number(process.env['BENCH_REQUESTS'] ?? 100);

type History = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>>;
type HistoryEvent = NonNullable<History['events']>[number];

it('opening: the port, update-with-start, start + query, start alone', { timeout: 1_800_000 }, async () => {
  const taskQueue = `bench-open-${Date.now()}`;
  const system = await startGateway({
    temporalAddress: inject('temporalAddress'),
    kafkaBrokers: inject('kafkaBrokers'),
    taskQueue,
  });
  try {
    const client = system.get<Client>(TEMPORAL_CLIENT as never);
    const cases = system.get<PathwayCases>(PATHWAY_CASES as never);
    const input = (): VictimPathwayInput => ({
      caseRef: caseRefFromRandom(randomBytes(12)),
      referral: referralSchema.parse({ by: 'cmm', facts: { hasLegalStay: false, age: 'adult' } }),
      access: [],
    });
    const start = (opening: VictimPathwayInput) =>
      client.workflow.start(WorkflowTypes.victimPathway, {
        workflowId: opening.caseRef,
        taskQueue,
        args: [opening],
        workflowIdConflictPolicy: 'FAIL',
        ...caseStartMetadata(opening),
      });
    /** The first task's offsets from the call, in ms: reached the worker, completed; and the answer. */
    const offsets: Record<'uws' | 'query', number[][]> = { uws: [], query: [] };
    const updateWithStart = (opening: VictimPathwayInput) =>
      client.workflow.executeUpdateWithStart(openedViewUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(WorkflowTypes.victimPathway, {
          workflowId: opening.caseRef,
          taskQueue,
          args: [opening],
          workflowIdConflictPolicy: 'FAIL',
          ...caseStartMetadata(opening),
        }),
      });
    const timed = async (
      kind: keyof typeof offsets | undefined,
      open: (opening: VictimPathwayInput) => Promise<unknown>,
    ): Promise<number> => {
      await new Promise((r) => setTimeout(r, 60));
      const opening = input();
      const at = Date.now();
      const started = performance.now();
      await open(opening);
      const elapsed = performance.now() - started;
      if (kind !== undefined) {
        const events = (await client.workflow.getHandle(opening.caseRef).fetchHistory()).events ?? [];
        const when = (match: (event: HistoryEvent) => unknown): number => {
          const time = events.find(match)?.eventTime;
          return Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6 - at;
        };
        offsets[kind].push([
          when((e) => e.workflowTaskStartedEventAttributes),
          when((e) => e.workflowTaskCompletedEventAttributes),
          elapsed,
        ]);
      }
      return elapsed;
    };
    const ways: Array<[string, () => Promise<number>]> = [
      ['the port (a start, ADR 0024)', () => timed(undefined, (opening) => cases.open(opening))],
      ['update-with-start', () => timed('uws', updateWithStart)],
      [
        'start, then a query',
        () => timed('query', async (opening) => (await start(opening)).query(getCaseQuery)),
      ],
      ['start alone', () => timed(undefined, start)],
    ];
    for (let i = 0; i < 10; i += 1) for (const [, way] of ways) await way();
    offsets.uws.length = 0;
    offsets.query.length = 0;
    const times = ways.map((): number[] => []);
    for (let i = 0; i < N; i += 1) {
      for (let k = 0; k < ways.length; k += 1) {
        const index = (i + k) % ways.length;
        const way = ways[index]?.[1];
        if (way) times[index]?.push(await way());
      }
    }
    const f = (ms: number) => ms.toFixed(1).padStart(6);
    const median = (rows: number[][], column: number) =>
      percentile(
        rows.map((row) => row[column] ?? Number.NaN).sort((a, b) => a - b),
        50,
      );
    process.stdout.write(
      [
        '',
        `opening a case at Temporal (no HTTP), ${N} each, interleaved, one at a time`,
        ...ways.map(([name], index) => {
          const sorted = [...(times[index] ?? [])].sort((a, b) => a - b);
          return `  ${name.padEnd(30)} p50 ${f(percentile(sorted, 50))} ms  p99 ${f(percentile(sorted, 99))} ms`;
        }),
        '  the first task, p50 ms from the call: reached the worker, completed; the answer',
        ...(['uws', 'query'] as const).map(
          (kind) =>
            `  ${kind.padEnd(30)} ${f(median(offsets[kind], 0))} ${f(median(offsets[kind], 1))} ${f(median(offsets[kind], 2))}`,
        ),
        '',
      ].join('\n'),
    );
  } finally {
    await system.close();
  }
});
