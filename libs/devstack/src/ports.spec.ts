import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DevstackError } from './errors.js';
import { assertPortFree, connectHost, getFreePort } from './ports.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server)
      server.close(() => {
        resolve();
      });
    else resolve();
  });
  server = undefined;
});

function listen(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server?.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('no address'));
    });
  });
}

describe('assertPortFree', () => {
  it('resolves for a free port', async () => {
    const port = await getFreePort();
    await expect(assertPortFree(port, 'KAFKA_PORT')).resolves.toBeUndefined();
    // and leaves it free
    await expect(assertPortFree(port, 'KAFKA_PORT')).resolves.toBeUndefined();
  });

  it('fails with an actionable DevstackError when something listens on the port', async () => {
    const port = await listen('127.0.0.1');
    const error = await assertPortFree(port, 'KAFKA_PORT', '127.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevstackError);
    expect((error as DevstackError).code).toBe('PORT_IN_USE');
    expect((error as DevstackError).message).toBe(
      `port ${port} (KAFKA_PORT) is already in use on 127.0.0.1; set KAFKA_PORT to a free port`,
    );
  });

  it('sees a port taken on the wildcard address as in use on loopback', async () => {
    const port = await listen('0.0.0.0');
    await expect(assertPortFree(port, 'TEMPORAL_PORT')).rejects.toThrow(/TEMPORAL_PORT/);
  });

  it('rejects ports outside 1–65535', async () => {
    await expect(assertPortFree(0, 'KAFKA_PORT')).rejects.toThrow('KAFKA_PORT=0 is not a valid TCP port');
    await expect(assertPortFree(70000, 'KAFKA_PORT')).rejects.toThrow(/not a valid TCP port/);
    await expect(assertPortFree(1.5, 'KAFKA_PORT')).rejects.toThrow(/not a valid TCP port/);
  });
});

describe('connectHost', () => {
  it('maps wildcard binds to loopback and brackets IPv6', () => {
    expect(connectHost('0.0.0.0')).toBe('127.0.0.1');
    expect(connectHost('::')).toBe('[::1]');
    expect(connectHost('::1')).toBe('[::1]');
    expect(connectHost('127.0.0.1')).toBe('127.0.0.1');
    expect(connectHost('localhost')).toBe('localhost');
  });
});
