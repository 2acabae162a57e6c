import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { buildConsoleIfStale } from '../../scripts/build-console.js';
import { e2eSystem } from '../support/e2e-system.js';
import { startOidcIssuer, type RunningOidcIssuer } from '../support/oidc-issuer.js';
import { freePort } from '../support/servers.js';
import { chromiumExecutable, launchChromium, screenshot, seriousAccessibilityViolations } from './browser.js';

const executable = chromiumExecutable();

/** The issuer listens here; the gateway is configured for it before either starts. */
const issuerPort = await freePort();
const ISSUER = `http://127.0.0.1:${issuerPort}`;
const CLIENT_ID = 'pathway-console';
const RESOURCE = 'urn:victim-pathway:api';
const AUDIENCE = 'victim-pathway';
const BUTTON = `Log ind med 127.0.0.1:${issuerPort}`;

/**
 * The console's OpenID Connect sign-in (ADR 0021, issue 15) end to end: a real OpenID Connect provider
 * (`oidc-provider`, started here on a free port) with a public client that must use PKCE, the real gateway
 * configured for it (`AUTH_JWKS_URL`, `AUTH_ISSUER`, `OIDC_CLIENT_ID`) and Debian's Chromium: the button, the
 * issuer's own sign-in and consent pages, back in the console signed in with the issuer's access token, no
 * token in the address or in web storage, a re-sign-in in a popup that keeps an unsaved form, and sign-out.
 */
describe.skipIf(executable === undefined)('OpenID Connect sign-in in a real browser', () => {
  beforeAll(async () => {
    await buildConsoleIfStale((line) => {
      process.stdout.write(`[console] ${line}\n`);
    });
  }, 180_000);
  const e2e = e2eSystem('console-oidc', {
    gateway: {
      gatewayEnv: {
        AUTH_JWKS_URL: `${ISSUER}/jwks`,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_SCOPE: 'openid pathway',
        OIDC_RESOURCE: RESOURCE,
      },
    },
  });
  let issuer: RunningOidcIssuer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    issuer = await startOidcIssuer({
      port: issuerPort,
      clientId: CLIENT_ID,
      consoleOrigin: e2e.gateway.baseUrl,
      resource: RESOURCE,
      audience: AUDIENCE,
      apiScope: 'pathway',
      users: { 'ana.cmm': { role: 'cmm', org: 'cmm' } },
    });
    browser = await launchChromium(executable ?? '');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await issuer?.close();
  });

  beforeEach(async () => {
    issuer.accessTokenSeconds = 3600;
    context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  /** The bearer tokens the console sends to the gateway, and every URL it loads. */
  const watch = () => {
    const bearers: string[] = [];
    const urls: string[] = [];
    const withBearer: string[] = [];
    page.on('request', (request) => {
      urls.push(request.url());
      const authorization = request.headers()['authorization'];
      if (authorization === undefined) return;
      bearers.push(authorization.replace(/^Bearer /, ''));
      withBearer.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    return { bearers, urls, withBearer };
  };

  /** From the console's button through the issuer's sign-in and consent pages, back to the board. */
  const signInAtIssuer = async (path = '/'): Promise<void> => {
    await page.goto(`${e2e.gateway.baseUrl}${path}`);
    await page.getByRole('button', { name: BUTTON }).click();
    await page.waitForURL(`${ISSUER}/**`);
    await page.locator('input[name="login"]').fill('ana.cmm');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${e2e.gateway.baseUrl}${path}`);
    await page.getByRole('button', { name: 'Log ud' }).waitFor();
  };

  it('tells the console to sign in at the issuer, lets its pages call the issuer only, has no local sign-in', async () => {
    const config = await e2e.gateway.call('GET', '/auth/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      mode: 'oidc',
      issuer: ISSUER,
      clientId: CLIENT_ID,
      scope: 'openid pathway',
      resource: RESOURCE,
    });
    const local = await e2e.gateway.call('POST', '/auth/local/token', { body: { role: 'cmm', org: 'cmm' } });
    expect(local.status).toBe(404);
    const response = await page.goto(e2e.gateway.baseUrl);
    expect(response?.headers()['content-security-policy']).toContain(`connect-src 'self' ${ISSUER};`);
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    await page.getByRole('button', { name: BUTTON }).waitFor();
    // No role and organisation to choose: the issuer says who is signing in.
    expect(await page.getByLabel('Rolle').count()).toBe(0);
    await screenshot(page, 'oidc-01-sign-in');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('signs in at the issuer with PKCE and comes back signed in, the token in memory only', async () => {
    const { bearers, urls } = watch();
    const boardAnswered = page
      .waitForResponse((response) => new URL(response.url()).pathname.startsWith('/cmm/'))
      .then((response) => response.status());
    await signInAtIssuer();
    await page.getByRole('heading', { name: 'Frister', level: 1 }).waitFor();
    expect(await page.getByText('Logget ind som Center mod Menneskehandel (CMM) (cmm)').count()).toBe(1);
    // The authorization request asked for a code with an S256 challenge, state and nonce.
    const authorization = new URL(urls.find((url) => url.startsWith(`${ISSUER}/auth?`)) ?? 'about:blank');
    expect(authorization.searchParams.get('response_type')).toBe('code');
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(authorization.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    // The board loads with the issuer's access token as the bearer, which the gateway accepts.
    await page.getByRole('heading', { name: 'Åbne sager pr. fase' }).waitFor();
    expect(await boardAnswered).toBe(200);
    const token = bearers.at(-1) ?? '';
    expect(decodeJwt(token)).toMatchObject({ iss: ISSUER, aud: AUDIENCE, role: 'cmm', org: 'cmm' });
    expect((await e2e.gateway.call('GET', '/cmm/deadlines', { token })).status).toBe(200);
    // The code and state left the address bar; no token was ever in a URL, and none is in web storage.
    expect(page.url()).toBe(`${e2e.gateway.baseUrl}/`);
    expect(urls.filter((url) => url.includes(token) || url.includes('access_token'))).toEqual([]);
    const stored = await page.evaluate<string>(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }])',
    );
    expect(stored).toBe('[{},{}]');
    expect(stored).not.toContain(token.slice(0, 20));
    await screenshot(page, 'oidc-02-signed-in');
  });

  it('comes back to the page it left for the issuer (a case’s deep link), without the code or state', async () => {
    const { urls } = watch();
    await signInAtIssuer('/cases/PW-7K2M9Q4X1D3F');
    expect(page.url()).toBe(`${e2e.gateway.baseUrl}/cases/PW-7K2M9Q4X1D3F`);
    // The issuer sent the browser back to the console's redirect URI, with a code that left at once.
    expect(urls.some((url) => url.startsWith(`${e2e.gateway.baseUrl}/?code=`))).toBe(true);
    expect(await page.evaluate<number>('sessionStorage.length + localStorage.length')).toBe(0);
  });

  it('says when the session ended, signs in again in a popup, and keeps the unsaved form', async () => {
    issuer.accessTokenSeconds = 15;
    await signInAtIssuer();
    const days = page.getByLabel('Inden for (dage)');
    await days.fill('46');
    // The access token runs out: the console says so over the kept page.
    const notice = page.getByRole('alertdialog');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toContain('Din session er udløbet');
    expect(await days.inputValue()).toBe('46');
    await screenshot(page, 'oidc-03-session-ended');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    issuer.accessTokenSeconds = 3600;
    // The issuer's session is alive: the popup goes there and straight back, hands the answer on and closes.
    const popupOpened = context.waitForEvent('page');
    await notice.getByRole('button', { name: BUTTON }).click();
    const popup = await popupOpened;
    await notice.waitFor({ state: 'detached', timeout: 30_000 });
    // The page never left: the unsaved filter is still there, and the address is the console's.
    expect(await days.inputValue()).toBe('46');
    expect(page.url()).toBe(`${e2e.gateway.baseUrl}/`);
    expect(await page.getByText('Logget ind som Center mod Menneskehandel (CMM) (cmm)').count()).toBe(1);
    if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: 5_000 });
    expect(popup.isClosed()).toBe(true);
  });

  it('signs out: the token is dropped, and the issuer’s own logout is offered', async () => {
    const { withBearer } = watch();
    await signInAtIssuer();
    await page.getByRole('heading', { name: 'Åbne sager pr. fase' }).waitFor();
    // The board goes on loading after its heading shows (a name per case row): count once it has settled.
    await page.waitForLoadState('networkidle');
    const sent = withBearer.length;
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByRole('status').textContent()).toBe('Du er logget ud.');
    const logout = page.getByRole('link', { name: `Log også ud hos 127.0.0.1:${issuerPort}` });
    await logout.waitFor();
    const href = new URL((await logout.getAttribute('href')) ?? '');
    expect(href.origin).toBe(ISSUER);
    expect([...href.searchParams.keys()].sort()).toEqual(['client_id', 'post_logout_redirect_uri']);
    expect(withBearer.slice(sent)).toEqual([]);
    expect(await page.evaluate<number>('sessionStorage.length + localStorage.length')).toBe(0);
    await screenshot(page, 'oidc-04-signed-out');
  });
});
