import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SearchAttributes } from '../../contracts/src/temporal.contract.js';

// @temporalio/proto is CommonJS: Node's ESM loader exposes it as a default export only.
const { temporal } = proto;

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
}

/** Connects a client; fails fast (instead of retrying forever) so a wrong address is reported at boot. */
export async function connectTemporalClient(target: TemporalTarget): Promise<Client> {
  const connection = await reachTemporal(target.address, () =>
    Connection.connect({ address: target.address, connectTimeout: '5 seconds' }),
  );
  return new Client({ connection, namespace: target.namespace });
}

/** Runs a connect call and, if it fails, says which server could not be reached and which setting names it. */
export async function reachTemporal<T>(address: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new UnreachableServerError(`cannot reach Temporal at ${address} (TEMPORAL_ADDRESS): ${reason}`);
  }
}

export class UnreachableServerError extends Error {
  override readonly name = 'UnreachableServerError';
}

const INDEXED_VALUE_TYPE = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

/**
 * Registers the project's search attributes on the namespace, idempotently. Needed at every boot: the dev
 * server ignores `--search-attribute` flags for a namespace that already exists in its database file.
 */
export async function ensureSearchAttributes(
  connection: { readonly operatorService: Connection['operatorService'] },
  namespace: string,
): Promise<void> {
  const wanted = Object.values(SearchAttributes);
  const known = await listCustomSearchAttributes(connection, namespace);
  const missing = wanted.filter((attribute) => !known.has(attribute.name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED_VALUE_TYPE[a.type]])),
    });
  } catch (error) {
    // Another process may have registered them between our list and add.
    if (!/already exists/i.test(String(error))) throw error;
  }
}

/** The time-skipping test server does not implement the listing: then try to add them all. */
async function listCustomSearchAttributes(
  connection: { readonly operatorService: Connection['operatorService'] },
  namespace: string,
): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set(Object.keys(existing.customAttributes));
  } catch (error) {
    if (/UNIMPLEMENTED/i.test(String(error)) || (error as { code?: number }).code === 12) return new Set();
    throw error;
  }
}

/** True when at least one worker polled the task queue recently (the readiness probe's "worker is polling"). */
export async function hasActivePollers(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.connection.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return response.pollers.length > 0;
}
