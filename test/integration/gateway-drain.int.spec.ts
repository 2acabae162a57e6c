import { describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../support/gateway-process.js';

/** What an error says about the connection: `reset`, `refused` (never accepted) or another failure. */
function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  return `other:${code}`;
}

/** SIGTERM during a burst: the gateway drains instead of dropping the requests it accepted. */
describe('graceful drain (a real gateway process)', () => {
  it('a burst of 40 requests and SIGTERM 80 ms in: no connection reset, every accepted request answered, exit 0', async () => {
    const gateway = await startGatewayProcess({ LOG_LEVEL: 'info' });
    const token = await gateway.token('police', 'nec-drain');
    const outcomes: string[] = [];
    const burst = Array.from({ length: 40 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 4)); // spread over 160 ms, across the signal
      try {
        const response = await fetch(`${gateway.baseUrl}/police/cases`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.arrayBuffer();
        outcomes.push(String(response.status));
      } catch (error) {
        outcomes.push(failureOf(error));
      }
    });
    await new Promise((r) => setTimeout(r, 80));
    gateway.child.kill('SIGTERM');
    await Promise.all(burst);
    expect(await gateway.exited).toBe(0);

    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    expect(tally['reset'] ?? 0, JSON.stringify(tally)).toBe(0);
    expect(
      outcomes.filter((o) => o.startsWith('other')),
      JSON.stringify(tally),
    ).toEqual([]);
    // Accepted before the signal: answered. After it: turned away (503 SHUTTING_DOWN, retry) or, once the
    // listener is closed, refused — never a half-served connection.
    expect((tally['200'] ?? 0) + (tally['503'] ?? 0) + (tally['refused'] ?? 0), JSON.stringify(tally)).toBe(
      40,
    );
    expect(tally['200'] ?? 0).toBeGreaterThan(0);
    expect(gateway.stdout()).toMatch(/draining: not ready/);
    expect(gateway.stdout()).toMatch(/stopped in \d+ ms/);
  }, 120_000);
});
