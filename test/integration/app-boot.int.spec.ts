import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/repo-root.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an app's `main.ts` as an operator would (its own process), with exactly `env` besides PATH. */
async function runApp(app: 'gateway' | 'worker', env: Record<string, string>): Promise<Run> {
  const main = join(repoRoot, 'apps', app, 'src', 'main.ts');
  return promisify(execFile)(process.execPath, ['--import', 'tsx', main], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    timeout: 60_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: unknown) => {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      return {
        code: typeof failed.code === 'number' ? failed.code : -1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? '',
      };
    },
  );
}

/** A standalone app's boot, as an operator deploying it sees it. */
describe('standalone apps at boot', () => {
  it('a bad configuration exits 2 with one message naming every problem, and starts nothing', async () => {
    for (const app of ['gateway', 'worker'] as const) {
      const run = await runApp(app, { KAFKA_BROKERS: 'localhost', LOG_LEVEL: 'loud' });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^${app}: Invalid configuration:`));
      expect(run.stderr).toContain('TEMPORAL_ADDRESS is missing');
      // Kafka's port in the example, not Temporal's.
      expect(run.stderr).toContain('KAFKA_BROKERS is "localhost": must be host:port, e.g. 127.0.0.1:9092');
      expect(run.stderr).toContain('LOG_LEVEL is "loud"');
      if (app === 'gateway') expect(run.stderr).toContain('DATABASE_URL is missing');
    }
  }, 120_000);

  it('a failure at boot is one line on standard error, with no stack trace before it', async () => {
    const run = await runApp('gateway', {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      KAFKA_BROKERS: '127.0.0.1:2',
      DATABASE_URL: 'postgres://pathway:secret@127.0.0.1:3/pathway',
      AUTH_JWKS_PATH: '/nonexistent/jwks.json',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^gateway: .*\/nonexistent\/jwks\.json/),
    ]);
    // Standard output holds JSON lines only (Nest's start line), no Nest stack trace and no colour codes.
    for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
      expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    }
    expect(run.stdout).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain('\u001b[');
    expect(`${run.stdout}${run.stderr}`).not.toContain('secret');
  }, 120_000);
});

describe('default paths', () => {
  it('the default key path is the project’s, whatever the working directory', async () => {
    const { gatewayEnvSchema, loadConfig } = await import('../../libs/config/src/index.js');
    const elsewhere = process.cwd();
    process.chdir('/');
    try {
      const config = loadConfig(gatewayEnvSchema, {
        TEMPORAL_ADDRESS: '127.0.0.1:7233',
        KAFKA_BROKERS: '127.0.0.1:9092',
        DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/c',
      });
      expect(config.AUTH_JWKS_PATH).toBe(join(repoRoot, '.data', 'auth', 'jwks.json'));
    } finally {
      process.chdir(elsewhere);
    }
  });
});
