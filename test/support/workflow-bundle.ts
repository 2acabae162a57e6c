import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultWorkflowsPath } from '../../apps/worker/src/pathway-worker.js';

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle: built once by `npm test` (TEST_WORKFLOW_BUNDLE), else once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cached ??= (async () => {
    const prebuilt = process.env['TEST_WORKFLOW_BUNDLE'];
    if (prebuilt) return { code: await readFile(prebuilt, 'utf8') };
    return bundleWorkflowCode({ workflowsPath: defaultWorkflowsPath() });
  })();
  return cached;
}
