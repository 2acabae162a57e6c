import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { PayloadCodec } from '@temporalio/common';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { EventPublisher } from '../../../libs/messaging/src/index.js';
import { installedTracing } from '../../../libs/observability/src/index.js';
import { createActivities } from './activities/publish-agency-event.activity.js';

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The workflow sources next to this build: `.ts` when run from source (tests), `.js` from `dist/`. */
function besideWorkflows(name: string): string {
  return fileURLToPath(new URL(`../../../workflows/${name}${extension}`, import.meta.url));
}

function besideLibs(path: string): string {
  return fileURLToPath(new URL(`../../../libs/${path}${extension}`, import.meta.url));
}

/**
 * Modules the workflow sandbox evaluates once per worker thread and shares between cases, instead of once for
 * each case it caches (ADR 0019): the domain, pure data and functions, with luxon. Nothing it loads keeps
 * state between cases (`workflow-preload.spec.ts` checks the sources), and the SDK deep-freezes it after
 * loading, so a module that tried would fail, not leak. No zod schema may be in here: zod builds a schema's
 * methods on first use, which a frozen schema refuses — the sandbox builds no schema at all
 * (`libs/contracts/src/workflow.ts`).
 */
export const WORKFLOW_PRELOAD_MODULES: readonly string[] = [besideLibs('domain/src/index')];

/**
 * Temporal's OpenTelemetry interceptors for the workflows, for runs started traced (bundled with them:
 * `npm run build` and the tests' bundle include them too). They continue the trace an Update or a start
 * carries in its headers, and pass it on to the activities a workflow schedules.
 */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [besideWorkflows('tracing.interceptors')];

/**
 * The worker's tracing: the activities continue the trace their workflow gave them, and the workflows'
 * spans (made in the sandbox) reach this process's exporter through a sink (dropped when tracing is off).
 */
export function tracingWorkerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = installedTracing();
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: {
      exporter: makeWorkflowExporter(
        tracing?.processor ?? new NoopSpanProcessor(),
        tracing?.resource ?? Resource.default(),
      ),
    },
  };
}

/**
 * What the workflow thread's heap needs: the bundle, the preloaded domain and the SDK (about 50 MB measured),
 * and each cached case (about 0.2 MB, 0.45 MB traced; ADR 0022) — with room to spare for a replay's garbage.
 */
export const WORKFLOW_THREAD_BASE_MB = 64;
export const CACHED_CASE_MB = 0.5;

/**
 * A sentence for the log when the workflow cache may not fit the heap ceiling (an isolate that reaches it
 * stops the process), else undefined. Both threads of the worker share the process's ceiling.
 */
export function cacheMemoryWarning(maxCachedWorkflows: number, heapLimitMb: number): string | undefined {
  const needs = Math.ceil((WORKFLOW_THREAD_BASE_MB + maxCachedWorkflows * CACHED_CASE_MB) * 1.5);
  if (needs <= heapLimitMb) return undefined;
  return (
    `WORKER_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows} may need about ${needs} MB of heap, above the ` +
    `${heapLimitMb} MB ceiling: raise WORKER_HEAP_MB (npm start) or --max-old-space-size, or cache fewer cases`
  );
}

export interface PathwayWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly publisher: EventPublisher;
  /** Seals every payload the worker sends to Temporal and opens what it reads (ADR 0015). */
  readonly payloadCodec?: PayloadCodec | undefined;
  /** Cases kept in memory between their tasks (default: the SDK's, from the machine's memory). */
  readonly maxCachedWorkflows?: number | undefined;
  /** A prebuilt bundle (production); without it the workflows are bundled from source at start. */
  readonly workflowBundlePath?: string | undefined;
}

export function defaultWorkflowsPath(): string {
  return besideWorkflows('index');
}

export async function createPathwayWorker(options: PathwayWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> =
    options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : {
          workflowsPath: defaultWorkflowsPath(),
          bundlerOptions: { preloadModules: [...WORKFLOW_PRELOAD_MODULES] },
        };
  const tracing = tracingWorkerOptions();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflows,
    ...tracing,
    ...(options.payloadCodec ? { dataConverter: { payloadCodecs: [options.payloadCodec] } } : {}),
    interceptors: {
      ...tracing.interceptors,
      // Bundled from source (tests): the workflow interceptors go in here; a prebuilt bundle has them.
      ...(options.workflowBundlePath ? {} : { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] }),
    },
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    // On SIGTERM a publish in flight gets this long to finish before it is cancelled (and retried elsewhere).
    shutdownGraceTime: '10 seconds',
    activities: createActivities({
      publisher: options.publisher,
      // A local activity (ADR 0025) has no heartbeat: its workflow task is its liveness, and it gets one second.
      heartbeat: () => {
        const activity = Context.current();
        if (!activity.info.isLocal) activity.heartbeat();
      },
      meter: Runtime.instance().metricMeter,
    }),
  });
}
