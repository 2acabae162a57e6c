/**
 * Bundles the workflow code once at build time (production workers load the bundle instead of running
 * webpack at every start). Usage: tsx scripts/bundle-workflows.ts [outFile]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOW_PRELOAD_MODULES } from '../apps/worker/src/pathway-worker.js';
import { repoRoot } from './repo-root.js';

export async function bundleWorkflows(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: resolve(repoRoot, 'workflows/index.ts'),
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES],
    preloadModules: [...WORKFLOW_PRELOAD_MODULES],
    logger: new DefaultLogger('WARN'),
  });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const out = resolve(repoRoot, process.argv[2] ?? 'dist/workflow-bundle.js');
  const started = performance.now();
  await bundleWorkflows(out);
  process.stdout.write(
    `workflow bundle written to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
