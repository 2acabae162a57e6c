import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import * as workflows from '../../workflows/index.js';
import { tracingWorkerOptions, workflowBundle } from '../support/workflow-bundle.js';

const HISTORIES = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * Every committed history must replay against today's workflow code: a change that would break running
 * cases fails here (guard it with `patched()`), and a deliberate change commits a fresh history
 * (`RECORD_HISTORIES=1 npx vitest run --project integration workflows`).
 */
describe('replay of committed workflow histories', async () => {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();

  it('has at least one committed history per workflow type', async () => {
    const types = new Set<string>();
    for (const file of files) {
      const history = JSON.parse(await readFile(`${HISTORIES}${file}`, 'utf8')) as {
        events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
      };
      const name = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (name) types.add(name);
    }
    expect([...types].sort()).toEqual(Object.keys(workflows).sort());
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(await readFile(`${HISTORIES}${file}`, 'utf8'));
    // With the bundle's tracing interceptors, as production runs it: tracing must not change a decision.
    const options = { workflowBundle: await workflowBundle(), ...tracingWorkerOptions() };
    await Worker.runReplayHistory(options, history, file);
  });
});
