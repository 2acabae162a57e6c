import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEFAULT_LOCAL_ISSUER, localKeysDir } from './auth.constants.js';
import { localSigningKeyFiles } from './local-keys.js';
import { createTokenVerifier } from './token-verifier.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** `npx tsx scripts/token.ts …` as a user runs it; never rejects, so exit codes can be checked. */
async function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.AUTH_ISSUER;
  delete env.AUTH_AUDIENCE;
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/token.ts', ...args], { cwd: repoRoot, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('scripts/token.ts', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'auth-script-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints only a token, which the gateway’s verifier accepts', { timeout: 60_000 }, async () => {
    const result = await token(['--role', 'police', '--org', 'nec', '--ttl', '1h', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const verifier = createTokenVerifier({
      mode: 'local',
      jwksPath: localSigningKeyFiles(localKeysDir(dataDir)).jwksPath,
      issuer: DEFAULT_LOCAL_ISSUER,
      audience: DEFAULT_AUDIENCE,
    });
    const principal = await verifier.verify(`Bearer ${result.stdout.trim()}`);
    expect(principal).toMatchObject({ role: 'police', org: 'nec' });
    expect(principal.sub).toMatch(/^police-nec-[0-9a-f]{6}$/);
  });

  it('exits 2 on an unknown role, listing the valid ones', { timeout: 60_000 }, async () => {
    const result = await token(['--role', 'sheriff', '--org', 'nec', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown role "sheriff"');
    expect(result.stderr).toContain('police, prosecution, court');
  });

  it('exits 2 on an unknown option', { timeout: 60_000 }, async () => {
    const result = await token(['--role', 'police', '--org', 'nec', '--admin']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
