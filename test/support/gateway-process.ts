import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ensureLocalSigningKeys, readLocalSigningKey } from '../../libs/auth/src/index.js';
import type { Role } from '../../libs/contracts/src/index.js';
import { repoRoot } from '../../scripts/repo-root.js';
import { localToken } from './local-token.js';
import { freePort } from './servers.js';

/** The gateway as an operator runs it: its own process (`apps/gateway/src/main.ts`), standard output piped. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** What it wrote so far to standard output and standard error. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  token(role: Role, org: string): Promise<string>;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts the gateway on the run's servers with local signing keys, and waits until it listens. */
export async function startGatewayProcess(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const keysDir = await mkdtemp(join(tmpdir(), 'pathway-gateway-'));
  const keys = await ensureLocalSigningKeys(keysDir);
  const signing = await readLocalSigningKey(keysDir);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'apps', 'gateway', 'src', 'main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        KAFKA_BROKERS: inject('kafkaBrokers'),
        DATABASE_URL: inject('databaseUrl'),
        GATEWAY_PORT: String(port),
        AUTH_JWKS_PATH: keys.jwksPath,
        PERSON_KEYRING_DIR: join(keysDir, 'person-keys'),
        PAYLOAD_KEYRING_DIR: join(keysDir, 'payload-keys'),
        TEMPORAL_TASK_QUEUE: `gateway-process-${Date.now()}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 90_000;
  while (!stdout.includes('gateway listening')) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${stdout}${stderr}`);
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${stdout}${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    token: (role, org) => localToken(signing, role, org),
  };
}
