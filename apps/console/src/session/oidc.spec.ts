import { describe, expect, it } from 'vitest';
import type { AuthorizationServer } from 'oauth4webapi';
import {
  AccessTokenClaimsError,
  POPUP_STATE_PREFIX,
  authorizationRequest,
  authorizationResponseIn,
  claimsOfAccessToken,
  endSessionUrl,
  insecureAllowed,
  parsePending,
  withoutAuthorizationResponse,
} from './oidc.js';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string =>
  `${base64url({ alg: 'RS256', typ: 'at+jwt' })}.${base64url(claims)}.signature`;

const SETTINGS = {
  issuer: 'https://login.example.org',
  clientId: 'pathway-console',
  scope: 'openid pathway',
};
const SERVER: AuthorizationServer = {
  issuer: 'https://login.example.org',
  authorization_endpoint: 'https://login.example.org/auth',
  token_endpoint: 'https://login.example.org/token',
  end_session_endpoint: 'https://login.example.org/session/end',
};

describe('the console’s OpenID Connect sign-in (ADR 0021)', () => {
  it('reads role, organisation and expiry from the access token as the gateway does', () => {
    const exp = 1_800_000_000;
    expect(claimsOfAccessToken(jwt({ sub: 'u1', role: 'cmm', org: 'cmm', exp }))).toEqual({
      role: 'cmm',
      org: 'cmm',
      expiresAt: new Date(exp * 1000).toISOString(),
    });
    // Non-ASCII elsewhere in the payload decodes as UTF-8.
    expect(claimsOfAccessToken(jwt({ name: 'Ærø Å', role: 'ngo', org: 'ngo-1', exp })).org).toBe('ngo-1');
  });

  it('refuses an access token without a known role, a valid organisation or an expiry, or no JWT at all', () => {
    for (const token of [
      jwt({ role: 'mayor', org: 'cph', exp: 1 }),
      jwt({ role: 'cmm', org: 'Ana Hansen', exp: 1 }),
      jwt({ role: 'cmm', org: 'cmm' }),
      'opaque-token',
      `${base64url({})}.${base64url([1])}.x`,
    ]) {
      expect(() => claimsOfAccessToken(token), token).toThrow(AccessTokenClaimsError);
    }
  });

  it('asks for a code with PKCE (S256), state, nonce, the scope and the resource, back to the console', async () => {
    const { url, pending } = await authorizationRequest(
      SERVER,
      { ...SETTINGS, resource: 'https://pathway.example.org/' },
      'https://pathway.example.org',
      false,
    );
    expect(url.origin + url.pathname).toBe('https://login.example.org/auth');
    const q = url.searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      client_id: 'pathway-console',
      redirect_uri: 'https://pathway.example.org/',
      response_type: 'code',
      scope: 'openid pathway',
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      resource: 'https://pathway.example.org/',
    });
    // S256: the challenge is the verifier's SHA-256, base64url, never the verifier itself.
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier));
    expect(q.get('code_challenge')).toBe(Buffer.from(digest).toString('base64url'));
    expect(url.href).not.toContain(pending.verifier);
    expect(pending.state.startsWith(POPUP_STATE_PREFIX)).toBe(false);
    const popup = await authorizationRequest(SERVER, SETTINGS, 'https://pathway.example.org', true);
    expect(popup.pending.state.startsWith(POPUP_STATE_PREFIX)).toBe(true);
    expect(popup.url.searchParams.has('resource')).toBe(false);
    expect(popup.pending.verifier).not.toBe(pending.verifier);
  });

  it('finds an authorization response in the address and removes it, keeping the rest', () => {
    expect(authorizationResponseIn('?code=abc&state=xyz')?.get('code')).toBe('abc');
    expect(authorizationResponseIn('?error=access_denied&state=xyz')?.get('error')).toBe('access_denied');
    expect(authorizationResponseIn('?code=abc')).toBeUndefined();
    expect(authorizationResponseIn('?days=45')).toBeUndefined();
    expect(
      withoutAuthorizationResponse(
        'https://pathway.example.org/?code=abc&state=xyz&iss=https%3A%2F%2Fi&days=45#top',
      ),
    ).toBe('/?days=45#top');
    expect(withoutAuthorizationResponse('https://pathway.example.org/?code=a&state=b')).toBe('/');
  });

  it('reads back a pending request, and nothing else, from sessionStorage', () => {
    const pending = { verifier: 'v', state: 's', nonce: 'n' };
    expect(parsePending(JSON.stringify(pending))).toEqual(pending);
    expect(parsePending(null)).toBeUndefined();
    expect(parsePending(JSON.stringify({ ...pending, returnTo: '/cases/PW-1?x=1#a' }))).toEqual({
      ...pending,
      returnTo: '/cases/PW-1?x=1#a',
    });
    // Only a path of this origin is kept as the way back.
    expect(parsePending(JSON.stringify({ ...pending, returnTo: '//elsewhere.example/' }))).toEqual(pending);
    expect(parsePending(JSON.stringify({ ...pending, returnTo: 'https://elsewhere.example/' }))).toEqual(
      pending,
    );
    expect(parsePending('{"verifier":1}')).toBeUndefined();
    expect(parsePending('not json')).toBeUndefined();
  });

  it('allows plain http for a loopback issuer only', () => {
    expect(insecureAllowed('http://127.0.0.1:4000')).toBe(true);
    expect(insecureAllowed('http://localhost:4000/realms/x')).toBe(true);
    expect(insecureAllowed('http://login.example.org')).toBe(false);
    expect(insecureAllowed('https://127.0.0.1')).toBe(false);
  });

  it('signs out at the issuer with the client and the way back, never the ID token', () => {
    const url = endSessionUrl(SERVER, SETTINGS, 'https://pathway.example.org');
    expect(url?.href).toBe(
      'https://login.example.org/session/end?client_id=pathway-console&post_logout_redirect_uri=https%3A%2F%2Fpathway.example.org%2F',
    );
    expect(endSessionUrl({ issuer: SERVER.issuer }, SETTINGS, 'https://pathway.example.org')).toBeUndefined();
  });
});
