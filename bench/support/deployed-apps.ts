import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kebab, type Role } from '../../libs/contracts/src/index.js';
import { copyBuildAssets } from '../../scripts/build-assets.js';
import { buildConsoleIfStale } from '../../scripts/build-console.js';
import { repoRoot } from '../../scripts/repo-root.js';
import { DrillStack } from '../../test/drill/drill-stack.js';

export interface DeployedAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The apps as they are deployed, for a benchmark: compiled, the worker and the gateway each in its own process,
 * on servers of their own (Temporal dev server, Kafka, PostgreSQL), as `caseload-scale` runs them. What a
 * benchmark needs of them: tokens, HTTP calls, and where the servers are (for a raw floor beside them).
 */
export interface DeployedApps {
  readonly temporalAddress: string;
  readonly kafkaBrokers: string;
  token(role: Role, org: string): Promise<string>;
  call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<DeployedAnswer>;
  /** Opens a case as `role` and returns its ref (throws unless 201). */
  open(token: string, role: Role, body: unknown): Promise<string>;
  act(token: string, role: Role, caseRef: string, act: string, body?: unknown): Promise<DeployedAnswer>;
  close(): Promise<void>;
}

/**
 * Builds the apps as production runs them (compiled, with their migrations beside them: what `npm run build`
 * does but the workflow bundle, which the stack builds itself; and the console the gateway serves), then starts
 * servers of their own and the worker and the gateway, each in its own process, on `taskQueue`; resolves once
 * the gateway is ready.
 */
export async function startDeployedStack(
  taskQueue: string,
  log: (line: string) => void,
): Promise<DrillStack> {
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  await copyBuildAssets();
  await buildConsoleIfStale(log);
  log('[deployed] apps built');
  const stack = await DrillStack.create({ log: () => undefined, appsFrom: 'build' });
  try {
    await stack.start();
    stack.useTaskQueue(taskQueue);
    await stack.startApp('worker');
    await stack.startApp('gateway');
    if (!(await stack.waitForReady(120_000))) throw new Error('the gateway did not become ready');
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

export async function startDeployedApps(taskQueue: string): Promise<DeployedApps> {
  const stack = await startDeployedStack(taskQueue, () => undefined);
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
  ): Promise<DeployedAnswer> => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  return {
    temporalAddress: stack.temporalAddress,
    kafkaBrokers: stack.kafkaBrokers,
    token: (role, org) => stack.token(role, org),
    call,
    open: async (token, role, body) => {
      const answer = await call('POST', `/${role}/cases`, token, body);
      if (answer.status !== 201) throw new Error(`open answered ${answer.status}`);
      return (answer.body as { caseRef: string }).caseRef;
    },
    act: (token, role, caseRef, act, body = {}) =>
      call('POST', `/${role}/cases/${caseRef}/${kebab(act)}`, token, body),
    close: () => stack.stop(),
  };
}
