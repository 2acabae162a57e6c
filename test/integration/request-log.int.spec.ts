import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

/**
 * The gateway's own process, as an operator runs it (`apps/gateway/src/main.ts`, standard output not a
 * terminal): every line is JSON without colour codes, and each request is one line with its method, route
 * template, status, duration, caller and case — never its body, token or query string.
 */
describe('the gateway’s request log (a real gateway process on the real servers)', () => {
  let gateway: GatewayProcess;
  let baseUrl = '';
  let token = '';
  const output = (): string => gateway.stdout();
  const errors = (): string => gateway.stderr();

  beforeAll(async () => {
    gateway = await startGatewayProcess({ LOG_LEVEL: 'info', LOG_FORMAT: 'auto' });
    baseUrl = gateway.baseUrl;
    token = await gateway.token('police', 'nec-log');
  }, 120_000);

  afterAll(() => {
    gateway?.child.kill('SIGTERM');
  });

  const lines = (): Array<Record<string, unknown>> =>
    output()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function lineFor(requestId: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = lines().find((line) => line['requestId'] === requestId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no log line for ${requestId}:\n${output()}`);
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
    expect(errors(), 'standard error').toBe('');
    expect(output()).not.toContain('\u001b[');
    expect(output()).not.toContain(token);
    expect(output()).not.toContain('BODY-CANARY');
    expect(output()).not.toContain('QUERY-CANARY');
    expect(output()).not.toMatch(/authorization/i);
  }, 60_000);
});
