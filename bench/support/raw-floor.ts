import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka, ensureTopics } from '../../libs/messaging/src/index.js';
import { rawAct, rawFloorWorkflow, type RawActivities } from '../raw-floor.workflows.js';

const RAW_TOPIC = 'bench.raw-floor.v1';

/**
 * The raw floor of the stack, on the same servers as the project: a workflow whose Update awaits one
 * activity producing one message with kafkajs (`acks=all`), and a client for it. What an act costs with
 * nothing of the project around it.
 */
export interface RawFloor {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly client: Client;
  start(): Promise<WorkflowHandle<typeof rawFloorWorkflow>>;
  /** One Update with message `id`; resolves when the handler (and its activity) completed. */
  act(handle: WorkflowHandle<typeof rawFloorWorkflow>, id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startRawFloor(temporalAddress: string, kafkaBrokers: string): Promise<RawFloor> {
  const kafka = createKafka({ brokers: kafkaBrokers.split(','), clientId: 'bench-floor' }, { silent: true });
  await ensureTopics(kafka, [RAW_TOPIC], { partitions: 3 });
  const producer: Producer = kafka.producer();
  await producer.connect();
  const taskQueue = `bench-raw-${Date.now()}`;
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const activities: RawActivities = {
    produce: async (id) => {
      await producer.send({ topic: RAW_TOPIC, acks: -1, messages: [{ key: id, value: id }] });
    },
  };
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../raw-floor.workflows.ts', import.meta.url)),
    activities,
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
  const started: WorkflowHandle<typeof rawFloorWorkflow>[] = [];
  return {
    kafka,
    topic: RAW_TOPIC,
    client,
    start: async () => {
      const handle = await client.workflow.start(rawFloorWorkflow, {
        taskQueue,
        workflowId: `raw-${randomUUID()}`,
      });
      started.push(handle);
      return handle;
    },
    act: async (handle, id) => {
      await handle.executeUpdate(rawAct, { args: [id] });
    },
    close: async () => {
      await Promise.all(started.map((handle) => handle.terminate('bench').catch(() => undefined)));
      worker.shutdown();
      await running;
      await producer.disconnect();
      await client.connection.close();
      await connection.close();
    },
  };
}

/** Subscribes `consumer` to `topic` from its end and resolves once the group is joined. */
export async function readFromEnd(
  consumer: Consumer,
  topic: string,
  onValue: (value: string) => void,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined();
  });
  await consumer.run({
    eachMessage: ({ message }) => {
      onValue(message.value?.toString() ?? '');
      return Promise.resolve();
    },
  });
  await ready;
}
