import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSystem } from '../support/e2e-system.js';

/** A stand-in for the built console (`dist/console`): a page and one hashed asset. */
const consoleDir = await mkdtemp(join(tmpdir(), 'pathway-console-'));
await mkdir(join(consoleDir, 'assets'));
await writeFile(
  join(consoleDir, 'index.html'),
  '<!doctype html><html lang="da"><title>Konsol</title></html>',
);
await writeFile(join(consoleDir, 'assets', 'index-abc123.js'), 'export {};\n');

interface Session {
  readonly token: string;
  readonly tokenType: string;
  readonly expiresAt: string;
  readonly role: string;
  readonly org: string;
}

/**
 * The gateway's edges for the caseworker console (ADR 0018): the embedded default's local sign-in, and the
 * built console at `/` with its security headers, never in the way of an API path.
 */
describe('the console’s edges on the gateway', () => {
  const e2e = e2eSystem('console-edges', { gateway: { gatewayEnv: { CONSOLE_DIR: consoleDir } } });

  it('signs in locally: a 30-minute token for the role and organisation, which the API accepts', async () => {
    const answer = await e2e.gateway.call<Session>('POST', '/auth/local/token', {
      body: { role: 'cmm', org: 'cmm' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', role: 'cmm', org: 'cmm' });
    const lifetime = Date.parse(answer.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
    const deadlines = await e2e.gateway.call('GET', '/cmm/deadlines', { token: answer.body.token });
    expect(deadlines.status).toBe(200);
  });

  it('refuses an unknown role, a bad organisation, extra fields and a form post, naming what is wrong', async () => {
    const unknownRole = await e2e.gateway.call<{
      code: string;
      errors: { pointer: string; detail: string }[];
    }>('POST', '/auth/local/token', { body: { role: 'mayor', org: 'cph' } });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknownRole.body.code).toBe('VALIDATION_FAILED');
    expect(unknownRole.body.errors).toEqual([
      { pointer: '/role', detail: expect.stringContaining('must be one of: cmm, dis') },
    ]);
    const badOrg = await e2e.gateway.call<{ errors: { pointer: string }[] }>('POST', '/auth/local/token', {
      body: { role: 'ngo', org: 'Ana Hansen', admin: true },
    });
    expect(badOrg.status).toBe(400);
    expect(badOrg.body.errors.map((e) => e.pointer).sort()).toEqual(['/', '/org']);
    const form = await e2e.gateway.call('POST', '/auth/local/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const get = await e2e.gateway.call('GET', '/auth/local/token');
    expect(get.status).toBe(405);
  });

  it('tells the console to sign in locally (GET /auth/config, no token)', async () => {
    const answer = await e2e.gateway.call('GET', '/auth/config');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ mode: 'local' });
    expect((await e2e.gateway.call('POST', '/auth/config', { body: {} })).status).toBe(405);
  });

  it('serves the console’s page at / and at deep links, with a strict content security policy', async () => {
    for (const path of ['/', '/cases/PW-7K2M9Q4X1D3F']) {
      const page = await fetch(`${e2e.gateway.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<title>Konsol</title>');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      // The embedded default's console calls its own origin only.
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${e2e.gateway.baseUrl}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(
      (await fetch(`${e2e.gateway.baseUrl}/assets/missing.js`, { headers: { accept: 'text/html' } })).status,
    ).toBe(404);
  });

  it('never answers an API path with the console: a browser asking for HTML still gets the API', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const health = await fetch(`${e2e.gateway.baseUrl}/health`, { headers: html });
    expect(await health.json()).toEqual({ status: 'ok' });
    const deadlines = await fetch(`${e2e.gateway.baseUrl}/cmm/deadlines`, { headers: html });
    expect(deadlines.status).toBe(401);
    expect(deadlines.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const directory = await fetch(`${e2e.gateway.baseUrl}/directory`, { headers: html });
    expect(directory.status).toBe(401);
    const unknownRole = await fetch(`${e2e.gateway.baseUrl}/mayor/deadlines`, {
      headers: { accept: 'application/json' },
    });
    expect(unknownRole.status).toBe(404);
    const docs = await fetch(`${e2e.gateway.baseUrl}/docs/openapi.json`, { headers: html });
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty(
      '/auth/local/token',
    );
  });
});

describe('with an external token issuer', () => {
  // Deployed: tokens come from an OIDC issuer's JWKS; the local keys (which the harness still creates) are not
  // used, and the local sign-in does not exist at all.
  const e2e = e2eSystem('console-edges-oidc', {
    gateway: { gatewayEnv: { AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json' } },
  });

  it('has no local sign-in: 404 like any unknown path, for every method', async () => {
    const post = await e2e.gateway.call<{ code: string }>('POST', '/auth/local/token', {
      body: { role: 'cmm', org: 'cmm' },
    });
    expect(post.status).toBe(404);
    expect(post.body.code).toBe('NOT_FOUND');
    expect((await e2e.gateway.call('GET', '/auth/local/token')).status).toBe(404);
  });
});
