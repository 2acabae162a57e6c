import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLocalSigningKeys } from '../../../../libs/auth/src/index.js';
import { gatewayEnvSchema, loadConfig } from '../../../../libs/config/src/index.js';
import { localSignInAvailable } from './local-sign-in.service.js';

const configWith = (env: Record<string, string>) =>
  loadConfig(gatewayEnvSchema, {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    KAFKA_BROKERS: '127.0.0.1:9092',
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    ...env,
  });

describe('the local sign-in exists only in the embedded default (ADR 0018)', () => {
  it('exists when the gateway verifies with local keys and holds the private key beside them', async () => {
    const keys = await ensureLocalSigningKeys(await mkdtemp(join(tmpdir(), 'sign-in-keys-')));
    expect(localSignInAvailable(configWith({ AUTH_JWKS_PATH: keys.jwksPath }))).toBe(true);
  });

  it('does not exist with an external issuer, even where local keys lie around', async () => {
    const keys = await ensureLocalSigningKeys(await mkdtemp(join(tmpdir(), 'sign-in-keys-')));
    const config = configWith({
      AUTH_JWKS_PATH: keys.jwksPath,
      AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
    });
    expect(localSignInAvailable(config)).toBe(false);
  });

  it('does not exist with the public keys only (the docker-compose gateway mounts jwks.json alone)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sign-in-keys-'));
    expect(localSignInAvailable(configWith({ AUTH_JWKS_PATH: join(dir, 'jwks.json') }))).toBe(false);
  });
});
