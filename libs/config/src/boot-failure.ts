import { ConfigError } from './load-config.js';

/**
 * One readable line (or list) for a failed boot, instead of a stack trace: configuration problems,
 * unreachable servers, ports in use. Unknown errors keep their message only.
 */
export function describeBootFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('cannot reach')) return message;
  if (
    /ECONNREFUSED|ConnectionRefused|Failed to connect|connect.*timed out|transport|DeadlineExceeded|UNAVAILABLE/i.test(
      message,
    )
  ) {
    return `cannot reach a server: ${message.split('\n')[0] ?? message}. Is it running, and is the address right (TEMPORAL_ADDRESS / KAFKA_BROKERS)?`;
  }
  if (/EADDRINUSE/.test(message)) return `a port is already in use: ${message}`;
  return message;
}
