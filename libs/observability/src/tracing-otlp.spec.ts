import { createServer } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SpanKind, inSpan, startTracing } from './tracing.js';

/**
 * The exporter a deployment uses: OTLP over HTTP (protobuf) to the endpoint of the standard variable, here a
 * local HTTP server standing in for a collector (no mock of the exporter: the real one sends real requests).
 */
describe('OTLP export', () => {
  const received: Array<{ url: string | undefined; type: string | undefined; bytes: number }> = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        url: request.url,
        type: request.headers['content-type'],
        bytes: Buffer.concat(chunks).length,
      });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });

  afterAll(() => {
    collector.close();
    vi.unstubAllEnvs();
  });

  it('sends the spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces as protobuf', async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as { port: number };
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${port}`);
    const tracing = startTracing({ service: 'otlp-test', exporter: 'otlp' });
    expect(tracing.exporting).toBe(true);
    await inSpan('a span', { kind: SpanKind.INTERNAL }, () => Promise.resolve());
    await tracing.forceFlush();
    await tracing.shutdown();
    expect(received).toEqual([
      { url: '/v1/traces', type: 'application/x-protobuf', bytes: expect.any(Number) as number },
    ]);
    expect(received[0]?.bytes).toBeGreaterThan(50);
  });
});
