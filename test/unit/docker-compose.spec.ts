import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gatewayEnvSchema, loadConfig, workerEnvSchema } from '../../libs/config/src/index.js';
import { repoRoot } from '../../scripts/repo-root.js';

interface ComposeService {
  environment?: Record<string, string | number>;
  ports?: string[];
  build?: { dockerfile: string; args?: Record<string, string> };
}

const compose = parse(await readFile(`${repoRoot}docker-compose.yml`, 'utf8')) as {
  services: Record<string, ComposeService>;
};
const haveDockerCompose = await promisify(execFile)('docker-compose', ['version'])
  .then(() => true)
  .catch(() => false);

/** Read by Node and glibc, not by the apps: each app's memory set by configuration (ADR 0022). */
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX'];

describe('docker-compose.yml (the scaled-out topology)', () => {
  // Debian's docker-compose validates the file without a container engine. `.ci/run` installs it; on a
  // developer machine without it this check is reported as skipped, never silently passed.
  it.runIf(haveDockerCompose || process.env['CI'] === 'true')(
    'passes `docker-compose config -q`',
    async () => {
      await expect(
        promisify(execFile)('docker-compose', ['-f', `${repoRoot}docker-compose.yml`, 'config', '-q']),
      ).resolves.toBeDefined();
    },
  );

  it.each([
    ['gateway', gatewayEnvSchema],
    ['worker', workerEnvSchema],
  ] as const)(
    'gives the %s only variables its config schema knows, and values it accepts',
    (name, schema) => {
      const service = compose.services[name];
      expect(service?.build).toMatchObject({ dockerfile: 'Dockerfile', args: { APP: name } });
      const env = Object.fromEntries(
        Object.entries(service?.environment ?? {}).map(([k, v]) => [k, String(v)]),
      );
      // Besides the app's settings, the runtime's own: its memory (ADR 0022).
      const known = [...Object.keys(schema.shape), ...RUNTIME_VARIABLES];
      expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
      expect(env['NODE_OPTIONS']).toMatch(/--max-old-space-size=\d+/);
      expect(() => loadConfig(schema, env)).not.toThrow();
    },
  );

  it('publishes the gateway on the port its config listens on, and points apps at the compose servers', () => {
    const gateway = compose.services['gateway'];
    const port = String(gateway?.environment?.['GATEWAY_PORT']);
    expect(gateway?.ports).toContain(`${port}:${port}`);
    expect(gateway?.environment?.['GATEWAY_HOST']).toBe('0.0.0.0');
    for (const name of ['gateway', 'worker']) {
      const env = compose.services[name]?.environment ?? {};
      expect(env['TEMPORAL_ADDRESS']).toBe('temporal:7233');
      expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
    }
    expect(compose.services['temporal']?.ports).toContain('7233:7233');
    expect(compose.services['kafka']?.ports).toContain('9092:9092');
  });
});
