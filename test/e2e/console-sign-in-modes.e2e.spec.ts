import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSystem } from '../support/e2e-system.js';
import { startOidcIssuer, type RunningOidcIssuer } from '../support/oidc-issuer.js';
import { freePort } from '../support/servers.js';

/** A stand-in for the built console (`dist/console`): its page is all these tests need. */
const consoleDir = await mkdtemp(join(tmpdir(), 'pathway-console-'));
await writeFile(
  join(consoleDir, 'index.html'),
  '<!doctype html><html lang="da"><title>Konsol</title></html>',
);

const issuerPort = await freePort();
const ISSUER = `http://127.0.0.1:${issuerPort}`;

const pageHeaders = async (baseUrl: string): Promise<Headers> => {
  const page = await fetch(`${baseUrl}/`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  return page.headers;
};

/**
 * `GET /auth/config` and the console's CSP beyond the embedded default (ADR 0021; the local mode is in
 * console-edges): a gateway for a real OpenID Connect issuer with the console's client, and one for an
 * external issuer without it.
 */
describe('the console signs in at an OpenID Connect issuer when one is configured', () => {
  const e2e = e2eSystem('console-oidc-mode', {
    gateway: {
      gatewayEnv: {
        CONSOLE_DIR: consoleDir,
        AUTH_JWKS_URL: `${ISSUER}/jwks`,
        AUTH_ISSUER: ISSUER,
        OIDC_CLIENT_ID: 'pathway-console',
        OIDC_SCOPE: 'openid pathway',
      },
    },
  });
  let issuer: RunningOidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer({
      port: issuerPort,
      clientId: 'pathway-console',
      consoleOrigin: e2e.gateway.baseUrl,
      resource: 'urn:victim-pathway:api',
      audience: 'victim-pathway',
      apiScope: 'pathway',
      users: {},
    });
  });
  afterAll(async () => {
    await issuer?.close();
  });

  it('answers how: the issuer, the client and the scope, with no token and no local sign-in', async () => {
    const answer = await e2e.gateway.call('GET', '/auth/config');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      mode: 'oidc',
      issuer: ISSUER,
      clientId: 'pathway-console',
      scope: 'openid pathway',
    });
    // The issuer the console is sent to is the real one: its discovery document names itself.
    const discovery = await fetch(`${ISSUER}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(ISSUER);
    const local = await e2e.gateway.call('POST', '/auth/local/token', { body: { role: 'cmm', org: 'cmm' } });
    expect(local.status).toBe(404);
  });

  it('lets the console’s pages call the issuer’s origin, and nothing else beyond their own', async () => {
    const csp = (await pageHeaders(e2e.gateway.baseUrl)).get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${ISSUER};`);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('the console offers no sign-in with an external issuer but no client for it', () => {
  const e2e = e2eSystem('console-none-mode', {
    gateway: {
      gatewayEnv: {
        CONSOLE_DIR: consoleDir,
        AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
        AUTH_ISSUER: 'http://127.0.0.1:9',
      },
    },
  });

  it('answers none, and the console’s pages call their own origin only', async () => {
    const answer = await e2e.gateway.call('GET', '/auth/config');
    expect(answer.body).toEqual({ mode: 'none' });
    const csp = (await pageHeaders(e2e.gateway.baseUrl)).get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self';");
    expect((await e2e.gateway.call('POST', '/auth/local/token', { body: {} })).status).toBe(404);
  });
});
