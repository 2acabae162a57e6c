import { describe, expect, it } from 'vitest';
import { e2eSystem } from '../support/e2e-system.js';
import { parsePrometheus, scrape } from '../support/prometheus.js';

/** What an operator's Prometheus scrapes from the gateway (`GET /metrics`, no token). */
describe('gateway metrics', () => {
  const e2e = e2eSystem('metrics');

  it('counts requests by route template and status, authentication failures by code, and the access-log backlog', async () => {
    const { gateway, tokens } = e2e;
    expect((await gateway.call('GET', '/police/cases', { token: tokens.police })).status).toBe(200);
    expect((await gateway.call('GET', '/police/cases/PW-7K2M9Q4X1D3F')).status).toBe(401);

    const { samples, types } = await scrape(`${gateway.baseUrl}/metrics`);
    const count = (route: string, status: string) =>
      samples.find(
        (s) =>
          s.name === 'gateway_http_request_duration_seconds_count' &&
          s.labels['route'] === route &&
          s.labels['status'] === status,
      )?.value ?? 0;
    expect(types.get('gateway_http_request_duration_seconds')).toBe('histogram');
    expect(count('/police/cases', '200')).toBeGreaterThanOrEqual(1);
    expect(count('/police/cases/:caseRef', '401')).toBeGreaterThanOrEqual(1);
    expect(
      samples.find(
        (s) => s.name === 'gateway_authentication_failures_total' && s.labels['code'] === 'TOKEN_MISSING',
      )?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(samples.find((s) => s.name === 'gateway_access_log_backlog')?.value).toBeGreaterThanOrEqual(0);
    expect(samples.some((s) => s.name === 'gateway_process_resident_memory_bytes')).toBe(true);
    // Labels carry templates, never a case ref or a caller.
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes('PW-')))).toBe(false);
  });

  it('the parser refuses what is not Prometheus text', () => {
    expect(() => parsePrometheus('gateway_up 1\nnot a sample line at all')).toThrow(
      /not a Prometheus sample/,
    );
    expect(parsePrometheus('# TYPE x counter\nx{a="b"} 2').samples).toEqual([
      { name: 'x', labels: { a: 'b' }, value: 2 },
    ]);
  });
});
