import { Context } from '@temporalio/activity';
import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../apps/worker/src/activities/publish-agency-event.activity.js';
import {
  OPENING_VIEW_VERSION,
  SearchAttributeKeys,
  type ActResult,
  type ActArgs,
  type AgencyCommandType,
  type CarriedPathway,
  type CloudEvent,
  type Referral,
  type VictimPathwayInput,
} from '../../libs/contracts/src/index.js';
import { caseRefFromRandom, instant, type CaseRef, type Instant } from '../../libs/domain/src/index.js';
import { ensureSearchAttributes } from '../../libs/temporal/src/index.js';
import { actUpdate, victimPathwayWorkflow } from '../../workflows/victim-pathway.workflow.js';
import { RecordingPublisher } from './recording-publisher.js';
import { provisionForTests } from './servers.js';
import { tracingWorkerOptions, workflowBundle } from './workflow-bundle.js';

export const DAY = 86_400_000;

/** A time-skipping test server (the real one, provisioned) with the search attributes registered. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { temporalTestServer } = await provisionForTests();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer } },
  });
  await ensureSearchAttributes(env.client.connection, env.namespace ?? 'default');
  return env;
}

export interface CaseOptions extends Partial<
  Pick<VictimPathwayInput, 'continueAsNewAfterEvents' | 'access'>
> {
  /** Where the worker's activity publishes (default: a fresh in-memory recorder). */
  readonly publisher?: RecordingPublisher;
  /**
   * Opens the case as a gateway does (ADR 0024): with the instant it decided the referral at and the digest
   * of the view it built, given the test server's time and the case ref; its number 1 named at the start.
   */
  readonly opened?: (context: {
    readonly now: Instant;
    readonly caseRef: CaseRef;
  }) => NonNullable<VictimPathwayInput['opened']>;
  /**
   * Runs with the worker up, before the case starts: may start other workflows and return what the case
   * carries in (as a run that continued as new would), e.g. a case from before a workflow change.
   */
  readonly prepare?: (context: {
    readonly env: TestWorkflowEnvironment;
    readonly taskQueue: string;
    readonly caseRef: CaseRef;
    readonly now: Instant;
  }) => Promise<CarriedPathway>;
}

export interface PathwayRun {
  /** The case's own time-skipping test server. */
  readonly env: TestWorkflowEnvironment;
  readonly handle: WorkflowHandle<typeof victimPathwayWorkflow>;
  readonly caseRef: string;
  readonly publisher: RecordingPublisher;
  /**
   * An agency act (a Temporal Update), as the gateway sends it; with an Idempotency-Key, bound (like the
   * gateway does) to the act and its arguments.
   */
  act<T extends AgencyCommandType>(type: T, args: ActArgs<T>, idempotencyKey?: string): Promise<ActResult>;
  /** Skips the test server's clock to `at`; timers due meanwhile fire. */
  skipTo(at: Instant): Promise<void>;
  /** The current test-server time. */
  now(): Promise<number>;
  /** Distinct events published so far, in order. */
  events(): CloudEvent[];
}

/**
 * Opens one case and runs `body` while a worker (the real workflow bundle, the real activities over an
 * in-memory publisher) serves it. Each case gets its own time-skipping server (≈0.5 s): the server's clock
 * stops while any task is outstanding, so a previous case's leftovers (a workflow task or an activity in
 * flight when its worker stopped, a stage clock still running) would otherwise hold the next case's clock.
 */
export async function withCase(
  name: string,
  referral: Referral,
  body: (run: PathwayRun) => Promise<void>,
  options: CaseOptions = {},
): Promise<RecordingPublisher> {
  const env = await timeSkippingEnv();
  try {
    return await runCase(env, name, referral, body, options);
  } finally {
    await env.teardown();
  }
}

async function runCase(
  env: TestWorkflowEnvironment,
  name: string,
  referral: Referral,
  body: (run: PathwayRun) => Promise<void>,
  { publisher = new RecordingPublisher(), prepare, opened, ...options }: CaseOptions,
): Promise<RecordingPublisher> {
  const taskQueue = `ts-${name}-${Date.now()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    ...tracingWorkerOptions(),
    activities: createActivities({
      publisher,
      heartbeat: () => {
        const activity = Context.current();
        if (!activity.info.isLocal) activity.heartbeat();
      },
    }),
  });
  const caseRef = caseRefFromRandom(randomBytes(12));
  await worker.runUntil(async () => {
    const now = instant(await env.currentTimeMs());
    const carried = prepare ? await prepare({ env, taskQueue, caseRef, now }) : undefined;
    const opening = opened?.({ now, caseRef });
    const handle = await env.client.workflow.start(victimPathwayWorkflow, {
      workflowId: caseRef,
      taskQueue,
      args: [
        {
          caseRef,
          referral,
          ...options,
          ...(carried ? { carried } : {}),
          ...(opening ? { opened: opening } : {}),
        },
      ],
      ...(opening
        ? { typedSearchAttributes: [{ key: SearchAttributeKeys.viewVersion, value: OPENING_VIEW_VERSION }] }
        : {}),
    });
    await body({
      env,
      handle,
      caseRef,
      publisher,
      act: (type, args, idempotencyKey) => {
        if (idempotencyKey === undefined) return handle.executeUpdate(actUpdate(type), { args: [args] });
        const idempotency = {
          key: idempotencyKey,
          fingerprint: `${type}:${JSON.stringify(args)}`,
          requestId: randomUUID(),
        };
        return handle.executeUpdate(actUpdate(type), {
          args: [{ ...args, idempotency }],
          updateId: `idem:${idempotency.key}:${idempotency.fingerprint}`,
        });
      },
      skipTo: async (at) => {
        // In steps: one long sleep across several timers whose activities run meanwhile was seen to stall
        // the test server's clock; a week at a time does not.
        for (;;) {
          const wait = Date.parse(at) - (await env.currentTimeMs());
          if (wait <= 0) return;
          await env.sleep(Math.min(wait, 7 * DAY));
        }
      },
      now: () => env.currentTimeMs(),
      events: () => publisher.events(),
    });
  });
  return publisher;
}

export const ofType = (events: readonly CloudEvent[], type: string): CloudEvent[] =>
  events.filter((e) => e.type === type);

export const dataOf = (event: CloudEvent | undefined): Record<string, unknown> => event?.data ?? {};
