import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workerProbeId } from '../libs/contracts/src/index.js';
import { isWorkerServing } from '../libs/temporal/src/index.js';
import { tracingWorkerOptions, workflowBundle } from '../test/support/workflow-bundle.js';

const HISTORIES = fileURLToPath(new URL('../test/replay/histories/', import.meta.url));

/**
 * Readiness needs to know that a worker serves the task queue *now*: Temporal lists a stopped worker's
 * pollers for minutes. The probe workflow's query is answered only by a live worker.
 */
describe('workerProbeWorkflow on the real Temporal dev server', () => {
  let client: Client;
  const taskQueue = `probe-${Date.now()}`;

  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  });
  afterAll(async () => {
    await client.workflow
      .getHandle(workerProbeId(taskQueue))
      .terminate('test done')
      .catch(() => undefined);
    await client.connection.close();
  });

  it('is answered while a worker runs and not once it has stopped', async () => {
    // Given no worker yet: not serving (the probe is started on the first ask and waits for a worker)
    expect(await isWorkerServing(client, taskQueue, 1_000)).toBe(false);
    // When a worker polls the queue
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      ...tracingWorkerOptions(),
    });
    const running = worker.run();
    // Then it is serving
    let serving = false;
    for (let i = 0; i < 40 && !serving; i++) serving = await isWorkerServing(client, taskQueue, 1_000);
    expect(serving).toBe(true);
    // When the worker stops
    worker.shutdown();
    await running;
    await connection.close();
    // Then the probe says so at once
    expect(await isWorkerServing(client, taskQueue, 1_000)).toBe(false);
    if (process.env['RECORD_HISTORIES'] === '1') {
      await mkdir(HISTORIES, { recursive: true });
      await writeFile(
        `${HISTORIES}worker-probe.json`,
        historyToJSON(await client.workflow.getHandle(workerProbeId(taskQueue)).fetchHistory()),
      );
    }
  });
});
