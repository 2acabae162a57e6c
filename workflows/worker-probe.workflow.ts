import { condition, setHandler } from '@temporalio/workflow';
import { workerProbeQuery } from '../libs/contracts/src/workflow.js';

/**
 * The readiness probe's witness that a worker is serving the task queue now: a query to it is answered
 * only by a worker that polls the queue (Temporal keeps listing a dead worker's pollers for minutes). It
 * holds no timer and no state, and its history never grows after the start.
 */
export async function workerProbeWorkflow(): Promise<void> {
  setHandler(workerProbeQuery, () => 'ok');
  await condition(() => false);
}
