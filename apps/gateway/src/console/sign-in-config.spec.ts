import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLocalSigningKeys } from '../../../../libs/auth/src/index.js';
import { ConfigError, gatewayEnvSchema, loadConfig } from '../../../../libs/config/src/index.js';
import { consoleSecurityHeaders } from './console-static.js';
import { consoleConnectOrigins, signInConfig } from './sign-in-config.js';

const configWith = (env: Record<string, string>) =>
  loadConfig(gatewayEnvSchema, {
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    KAFKA_BROKERS: '127.0.0.1:9092',
    DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
    ...env,
  });

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    configWith(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
};

const ISSUER = 'https://login.example.org/realms/pathway';
const OIDC = {
  AUTH_JWKS_URL: `${ISSUER}/protocol/openid-connect/certs`,
  AUTH_ISSUER: ISSUER,
  OIDC_CLIENT_ID: 'pathway-console',
};

describe('how the console signs in (GET /auth/config, ADR 0021)', () => {
  it('signs in locally in the embedded default, calling no other origin', async () => {
    const keys = await ensureLocalSigningKeys(await mkdtemp(join(tmpdir(), 'sign-in-keys-')));
    const config = configWith({ AUTH_JWKS_PATH: keys.jwksPath });
    expect(signInConfig(config)).toEqual({ mode: 'local' });
    expect(consoleConnectOrigins(config)).toEqual([]);
  });

  it('signs in with OpenID Connect at AUTH_ISSUER as OIDC_CLIENT_ID; the issuer’s origin may be called', () => {
    const config = configWith(OIDC);
    expect(signInConfig(config)).toEqual({
      mode: 'oidc',
      issuer: ISSUER,
      clientId: 'pathway-console',
      scope: 'openid',
    });
    expect(consoleConnectOrigins(config)).toEqual(['https://login.example.org']);
  });

  it('takes OIDC_ISSUER, OIDC_SCOPE and OIDC_RESOURCE when given', () => {
    const config = configWith({
      ...OIDC,
      AUTH_ISSUER: 'https://sts.example.net/tenant/',
      OIDC_ISSUER: 'https://login.example.net/tenant/v2.0',
      OIDC_SCOPE: 'openid profile pathway',
      OIDC_RESOURCE: 'https://pathway.example.org/',
    });
    expect(signInConfig(config)).toEqual({
      mode: 'oidc',
      issuer: 'https://login.example.net/tenant/v2.0',
      clientId: 'pathway-console',
      scope: 'openid profile pathway',
      resource: 'https://pathway.example.org/',
    });
    expect(consoleConnectOrigins(config)).toEqual(['https://login.example.net']);
  });

  it('offers no sign-in with an external issuer but no client, nor with public keys only', async () => {
    expect(signInConfig(configWith({ AUTH_JWKS_URL: OIDC.AUTH_JWKS_URL }))).toEqual({ mode: 'none' });
    const dir = await mkdtemp(join(tmpdir(), 'sign-in-keys-'));
    expect(signInConfig(configWith({ AUTH_JWKS_PATH: join(dir, 'jwks.json') }))).toEqual({ mode: 'none' });
  });

  it('refuses a client without the issuer’s keys, an issuer that is no URL, and a scope without openid', () => {
    expect(problemsOf({ OIDC_CLIENT_ID: 'pathway-console' })).toEqual([
      expect.stringMatching(/^OIDC_CLIENT_ID is "pathway-console": needs AUTH_JWKS_URL/),
      expect.stringMatching(/^OIDC_CLIENT_ID is "pathway-console": needs OIDC_ISSUER/),
    ]);
    expect(problemsOf({ ...OIDC, OIDC_ISSUER: 'ftp://login.example.org' })).toEqual([
      expect.stringMatching(/^OIDC_ISSUER is "ftp:\/\/login.example.org": must be an http\(s\) URL/),
    ]);
    expect(problemsOf({ ...OIDC, OIDC_SCOPE: 'profile' })).toEqual([
      expect.stringMatching(/^OIDC_SCOPE is "profile": must be space-separated scopes starting with openid/),
    ]);
  });

  it('lets the console’s pages call the issuer’s origin only when it signs in there', () => {
    const local = consoleSecurityHeaders()['Content-Security-Policy'];
    expect(local).toContain("connect-src 'self';");
    const oidc = consoleSecurityHeaders(['https://login.example.org'])['Content-Security-Policy'];
    expect(oidc).toContain("connect-src 'self' https://login.example.org;");
    expect(oidc).toContain("frame-ancestors 'none'");
  });
});
