import { readFile } from 'node:fs/promises';
import { DefaultLogger, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import {
  WORKFLOW_INTERCEPTOR_MODULES,
  WORKFLOW_PRELOAD_MODULES,
  defaultWorkflowsPath,
  tracingWorkerOptions,
} from '../../apps/worker/src/pathway-worker.js';

/** What a worker of the bundle needs besides it: the tracing interceptors' activity side and span sink. */
export { tracingWorkerOptions };

let cached: Promise<WorkflowBundle> | undefined;

async function load(): Promise<WorkflowBundle> {
  const prebuilt = process.env['TEST_WORKFLOW_BUNDLE'];
  if (prebuilt) return { code: await readFile(prebuilt, 'utf8') };
  return bundleWorkflowCode({
    workflowsPath: defaultWorkflowsPath(),
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    preloadModules: [...WORKFLOW_PRELOAD_MODULES],
    logger: new DefaultLogger('WARN'),
  });
}

/** The workflow bundle: built once by `npm test` (TEST_WORKFLOW_BUNDLE), else once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  cached ??= load();
  return cached;
}
