import { createServer } from 'node:net';
import { DevstackError } from './errors.js';

/**
 * Throws a DevstackError when `port` cannot be bound on `host` (default 127.0.0.1), e.g.
 * "port 9092 (KAFKA_PORT) is already in use on 127.0.0.1; set KAFKA_PORT to a free port".
 * `envName` is the setting a user changes to pick another port.
 */
export async function assertPortFree(port: number, envName: string, host = '127.0.0.1'): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DevstackError(`${envName}=${String(port)} is not a valid TCP port (1–65535)`, 'PORT_INVALID');
  }
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      switch (error.code) {
        case 'EADDRINUSE':
          reject(
            new DevstackError(
              `port ${port} (${envName}) is already in use on ${host}; set ${envName} to a free port`,
              'PORT_IN_USE',
            ),
          );
          return;
        case 'EACCES':
          reject(
            new DevstackError(
              `port ${port} (${envName}) may not be opened by this user on ${host}; set ${envName} to a port above 1023`,
              'PORT_IN_USE',
            ),
          );
          return;
        case 'EADDRNOTAVAIL':
        case 'ENOTFOUND':
          reject(
            new DevstackError(
              `host ${host} (for ${envName}) is not an address of this machine`,
              'HOST_INVALID',
            ),
          );
          return;
        default:
          reject(
            new DevstackError(
              `cannot check port ${port} (${envName}) on ${host}: ${error.message}`,
              'PORT_CHECK_FAILED',
            ),
          );
      }
    });
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => {
        resolve();
      });
    });
  });
}

/** A port that was free on `host` a moment ago (for tests; another process may still take it). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) resolve(port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** The address to connect to for a server bound to `host` (a wildcard bind is reached on loopback). */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
