import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { EventPublisher } from '../../../libs/messaging/src/index.js';
import { createActivities } from './activities/publish-agency-event.activity.js';

export interface PathwayWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly publisher: EventPublisher;
  /** A prebuilt bundle (production); without it the workflows are bundled from source at start. */
  readonly workflowBundlePath?: string | undefined;
}

/** The workflow sources next to this build: `.ts` when run from source (tests), `.js` from `dist/`. */
export function defaultWorkflowsPath(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../../../workflows/index${extension}`, import.meta.url));
}

export async function createPathwayWorker(options: PathwayWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: defaultWorkflowsPath() };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflows,
    // On SIGTERM a publish in flight gets this long to finish before it is cancelled (and retried elsewhere).
    shutdownGraceTime: '10 seconds',
    activities: createActivities({
      publisher: options.publisher,
      heartbeat: () => {
        Context.current().heartbeat();
      },
      meter: Runtime.instance().metricMeter,
    }),
  });
}
