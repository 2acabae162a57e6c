import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

/**
 * The raw floor of the stack (issue 14's benchmark): an Update whose handler awaits one activity that
 * produces one Kafka message — what an act costs with nothing of the project around it.
 */
export const rawAct = defineUpdate<null, [string]>('rawAct');

export interface RawActivities {
  produce(id: string): Promise<void>;
}

const { produce } = proxyActivities<RawActivities>({ startToCloseTimeout: '30 seconds' });

export async function rawFloorWorkflow(): Promise<void> {
  setHandler(rawAct, async (id) => {
    await produce(id);
    return null;
  });
  await condition(() => false);
}
