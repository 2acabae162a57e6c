import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import proto from '@temporalio/proto';
import { WorkflowNotFoundError, type PayloadCodec } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import {
  SearchAttributeKeys,
  WorkflowTypes,
  workerProbeId,
  workerProbeQuery,
} from '../../contracts/src/index.js';

// @temporalio/proto is CommonJS: Node's ESM loader exposes it as a default export only.
const { temporal } = proto;

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
  /** Seals every payload the client sends and opens what it reads (ADR 0015). */
  readonly payloadCodec?: PayloadCodec | undefined;
  /**
   * Starts, Updates and queries carry the caller's trace to the workflows (spans are exported). Off, the
   * workflows run untraced: they never load OpenTelemetry in the sandbox (about 200 KB less per cached case,
   * a cheaper replay; ADR 0022), and an event's `traceparent` starts at its publishing activity.
   */
  readonly traced?: boolean | undefined;
}

/**
 * The SDK's gRPC retries (UNAVAILABLE and the like, with backoff), made safe to close: a retry scheduled
 * before `close()` would otherwise fire on a closed channel and throw from a timer ("Channel has been shut
 * down"), crashing the process at shutdown. Closing first stops new retries, then waits for the scheduled
 * ones (at most one backoff, ≤ 5 s) before the channel is closed.
 */
class ClosableRetries {
  private pending = 0;
  private closing = false;
  private readonly defaults = defaultGrpcRetryOptions();

  readonly interceptor = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => !this.closing && this.defaults.retryableDecider(attempt, status),
    delayFunction: (attempt, status) => {
      const delay = this.defaults.delayFunction(attempt, status);
      this.pending += 1;
      setTimeout(() => {
        this.pending -= 1;
      }, delay + 50).unref();
      return delay;
    },
  });

  async close(connection: { close(): Promise<void> }): Promise<void> {
    this.closing = true;
    const until = Date.now() + 6_000;
    while (this.pending > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    await connection.close();
  }
}

const retriesOf = new WeakMap<object, ClosableRetries>();

/**
 * Connects a client; fails fast (instead of retrying forever) so a wrong address is reported at boot. Traced
 * (`target.traced`), its starts, Updates and queries carry the caller's trace to the workflow (Temporal's
 * OpenTelemetry interceptor).
 */
export async function connectTemporalClient(target: TemporalTarget): Promise<Client> {
  const retries = new ClosableRetries();
  const connection = await reachTemporal(target.address, () =>
    Connection.connect({
      address: target.address,
      connectTimeout: '5 seconds',
      interceptors: [retries.interceptor],
    }),
  );
  retriesOf.set(connection, retries);
  return new Client({
    connection,
    namespace: target.namespace,
    ...(target.payloadCodec ? { dataConverter: { payloadCodecs: [target.payloadCodec] } } : {}),
    ...(target.traced === true
      ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }
      : {}),
  });
}

/** Closes a client made by `connectTemporalClient` once no retry of its calls is still scheduled. */
export async function closeTemporalClient(client: Client): Promise<void> {
  const retries = retriesOf.get(client.connection);
  if (retries) await retries.close(client.connection);
  else await client.connection.close();
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
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/**
 * Registers the project's search attributes on the namespace, idempotently. Needed at every boot: the dev
 * server ignores `--search-attribute` flags for a namespace that already exists in its database file.
 */
export async function ensureSearchAttributes(
  connection: { readonly operatorService: Connection['operatorService'] },
  namespace: string,
): Promise<void> {
  const wanted = Object.values(SearchAttributeKeys);
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

/**
 * True when a worker serves the task queue now: it answers a query to the queue's probe workflow within
 * `timeoutMs` (the probe is started on first use). Temporal's own poller list keeps a dead worker for
 * minutes; an answered query cannot come from one.
 */
export async function isWorkerServing(
  client: Client,
  taskQueue: string,
  timeoutMs: number,
): Promise<boolean> {
  const workflowId = workerProbeId(taskQueue);
  const ask = () =>
    client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(workflowId).query(workerProbeQuery),
    );
  try {
    await ask(); // any answer comes from a live worker
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) return false;
  }
  await client.withDeadline(Date.now() + timeoutMs, () =>
    client.workflow.start(WorkflowTypes.workerProbe, {
      workflowId,
      taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
  return ask().then(
    () => true,
    () => false,
  );
}
