import { readFile } from 'node:fs/promises';
import { DefaultLogger, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { defaultWorkflowsPath } from '../../apps/worker/src/pathway-worker.js';

let cached: Promise<WorkflowBundle> | undefined;

async function load(): Promise<WorkflowBundle> {
  const prebuilt = process.env['TEST_WORKFLOW_BUNDLE'];
  if (prebuilt) return { code: await readFile(prebuilt, 'utf8') };
  return bundleWorkflowCode({ workflowsPath: defaultWorkflowsPath(), logger: new DefaultLogger('WARN') });
}

/** The workflow bundle: built once by `npm test` (TEST_WORKFLOW_BUNDLE), else once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  cached ??= load();
  return cached;
}
