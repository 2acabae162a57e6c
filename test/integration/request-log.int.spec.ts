import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_LOCAL_ISSUER,
  ensureLocalSigningKeys,
  mintToken,
  readLocalSigningKey,
} from '../../libs/auth/src/index.js';
import { repoRoot } from '../../scripts/repo-root.js';
import { freePort } from '../support/servers.js';

/**
 * The gateway's own process, as an operator runs it (`apps/gateway/src/main.ts`, standard output not a
 * terminal): every line is JSON without colour codes, and each request is one line with its method, route
 * template, status, duration, caller and case — never its body, token or query string.
 */
describe('the gateway’s request log (a real gateway process on the real servers)', () => {
  let gateway: ChildProcess;
  let output = '';
  let errors = '';
  let baseUrl = '';
  let token = '';

  beforeAll(async () => {
    const keysDir = await mkdtemp(join(tmpdir(), 'pathway-log-'));
    const keys = await ensureLocalSigningKeys(keysDir);
    const signing = await readLocalSigningKey(keysDir);
    token = await mintToken({
      privateJwk: signing.privateJwk,
      kid: signing.kid,
      issuer: DEFAULT_LOCAL_ISSUER,
      audience: DEFAULT_AUDIENCE,
      role: 'police',
      org: 'nec-log',
    });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    gateway = spawn(
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
          TEMPORAL_TASK_QUEUE: `log-${Date.now()}`,
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'auto',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    gateway.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('gateway listening')) {
      if (gateway.exitCode !== null)
        throw new Error(`gateway exited ${gateway.exitCode}:\n${output}${errors}`);
      if (Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(() => {
    gateway?.kill('SIGTERM');
  });

  const lines = (): Array<Record<string, unknown>> =>
    output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function lineFor(requestId: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = lines().find((line) => line['requestId'] === requestId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no log line for ${requestId}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('logs one JSON line per request with route template, status, duration, role and organisation; no token, body or query value', async () => {
    const listed = await fetch(`${baseUrl}/police/cases?stage=referred`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-list-0001' },
    });
    expect(listed.status).toBe(200);
    const refused = await fetch(`${baseUrl}/police/cases?note=QUERY-CANARY`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-request-id': 'log-test-open-0002',
      },
      body: JSON.stringify({ facts: { hasLegalStay: false, age: 'adult' }, name: 'BODY-CANARY' }),
    });
    expect(refused.status).toBe(400);
    const anonymous = await fetch(`${baseUrl}/cmm/cases/PW-7K2M9Q4X1D3F`, {
      headers: { 'x-request-id': 'log-test-anon-0003' },
    });
    expect(anonymous.status).toBe(401);

    expect(await lineFor('log-test-list-0001')).toMatchObject({
      level: 'info',
      service: 'gateway',
      msg: 'GET /police/cases 200',
      req: { method: 'GET' },
      res: { status: 200 },
      route: '/police/cases',
      operation: 'listCases',
      role: 'police',
      org: 'nec-log',
      durationMs: expect.any(Number),
    });
    expect(await lineFor('log-test-open-0002')).toMatchObject({
      msg: 'POST /police/cases 400',
      res: { status: 400 },
      route: '/police/cases',
      role: 'police',
    });
    expect(await lineFor('log-test-anon-0003')).toMatchObject({
      msg: 'GET /cmm/cases/:caseRef 401',
      route: '/cmm/cases/:caseRef',
      caseRef: 'PW-7K2M9Q4X1D3F',
    });
    expect(errors, 'standard error').toBe('');
    expect(output).not.toContain('\u001b[');
    expect(output).not.toContain(token);
    expect(output).not.toContain('BODY-CANARY');
    expect(output).not.toContain('QUERY-CANARY');
    expect(output).not.toMatch(/authorization/i);
  }, 60_000);
});
