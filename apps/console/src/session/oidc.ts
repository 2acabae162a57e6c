import * as oauth from 'oauth4webapi';
import { MESSAGES, type Role } from '../i18n/messages.js';

/** `GET /auth/config` when the console signs in at an OpenID Connect issuer (ADR 0021). */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly resource?: string;
}

/** What a sign-in brings back and the console keeps, in memory only. */
export interface OidcSession {
  readonly accessToken: string;
  readonly role: Role;
  readonly org: string;
  /** When the access token stops being accepted (its `exp`), ISO 8601. */
  readonly expiresAt: string;
}

/**
 * One authorization request in flight: its PKCE verifier, `state` and `nonce`. For a sign-in that leaves the
 * page (redirect) it waits in `sessionStorage` until the issuer sends the browser back, and is removed then;
 * for a sign-in in a popup it stays in the opener's memory. Never a token.
 */
export interface PendingAuthorization {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  /** A redirect's page to come back to (path, query and fragment of this origin), e.g. a case's deep link. */
  readonly returnTo?: string;
}

/** The `sessionStorage` key of a redirect sign-in's pending request (removed on return). */
export const PENDING_KEY = 'victim-pathway.oidc.pending';
/** The channel a popup's callback page hands its answer to the page that opened it on. */
export const POPUP_CHANNEL = 'victim-pathway.oidc.popup';
/** A popup sign-in's `state` starts with this: its callback page relays the answer and closes. */
export const POPUP_STATE_PREFIX = 'popup.';
/** Parameters of an authorization response that must not stay in the address bar. */
const RESPONSE_PARAMETERS = [
  'code',
  'state',
  'iss',
  'session_state',
  'error',
  'error_description',
  'error_uri',
];

/**
 * oauth4webapi refuses plain http, as it should; an issuer on the loopback address (a developer's or a
 * test's own provider) is the one exception, never a host on a network.
 */
export function insecureAllowed(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

// eslint-disable-next-line @typescript-eslint/no-deprecated -- the option's type, for loopback issuers only
function requestOptions(settings: OidcSettings): { [oauth.allowInsecureRequests]?: boolean } {
  // oauth4webapi marks this option deprecated on purpose, to make it stand out: loopback issuers only.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  return insecureAllowed(settings.issuer) ? { [oauth.allowInsecureRequests]: true } : {};
}

/** The console's own address is where the issuer sends the browser back: the page at `/`. */
export function redirectUri(origin: string): string {
  return `${origin}/`;
}

/** The issuer's metadata, from its discovery document (the issuer must be the one configured). */
export async function discover(settings: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(settings.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(settings) });
  return oauth.processDiscoveryResponse(issuer, response);
}

/**
 * A new authorization request: a random PKCE verifier (S256 challenge), `state` and `nonce`, and the URL to
 * send the browser to. `popup`: its `state` says so, for the callback page to recognise.
 */
export async function authorizationRequest(
  server: oauth.AuthorizationServer,
  settings: OidcSettings,
  origin: string,
  popup: boolean,
): Promise<{ url: URL; pending: PendingAuthorization }> {
  if (server.authorization_endpoint === undefined)
    throw new Error('the issuer has no authorization_endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: PendingAuthorization = {
    verifier,
    state: `${popup ? POPUP_STATE_PREFIX : ''}${oauth.generateRandomState()}`,
    nonce: oauth.generateRandomNonce(),
  };
  const url = new URL(server.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri(origin));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  if (settings.resource !== undefined) url.searchParams.set('resource', settings.resource);
  return { url, pending };
}

/**
 * The issuer's answer (the callback's query) turned into a session: checks `state` (and `iss` when the issuer
 * sends it), exchanges the code with the verifier, checks the ID token's `nonce`, then reads the access
 * token's `role`, `org` and `exp`. Throws with the issuer's `error` when it refused.
 */
export async function completeAuthorization(
  server: oauth.AuthorizationServer,
  settings: OidcSettings,
  origin: string,
  callback: URLSearchParams,
  pending: PendingAuthorization,
): Promise<OidcSession> {
  const client: oauth.Client = { client_id: settings.clientId };
  const parameters = oauth.validateAuthResponse(server, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client,
    oauth.None(),
    parameters,
    redirectUri(origin),
    pending.verifier,
    {
      ...requestOptions(settings),
      ...(settings.resource === undefined ? {} : { additionalParameters: { resource: settings.resource } }),
    },
  );
  const result = await oauth.processAuthorizationCodeResponse(server, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  return { accessToken: result.access_token, ...claimsOfAccessToken(result.access_token) };
}

/** Thrown when the issuer's access token does not say who is signed in the way the gateway reads it. */
export class AccessTokenClaimsError extends Error {
  override readonly name = 'AccessTokenClaimsError';
}

const PARTY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && Object.keys(MESSAGES.da.roles).includes(value);

/**
 * The `role`, `org` and `exp` of an access token (a JWT), as the gateway reads them, for the header and the
 * session's end. Read, not verified: the gateway verifies the token on every call, and the console only shows.
 */
export function claimsOfAccessToken(token: string): Omit<OidcSession, 'accessToken'> {
  const [, payload] = token.split('.');
  let claims: Record<string, unknown>;
  try {
    const json = atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'));
    const parsed: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))),
    );
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    claims = parsed as Record<string, unknown>;
  } catch {
    throw new AccessTokenClaimsError('the issuer’s access token is not a JWT the gateway can read');
  }
  const { role, org, exp } = claims;
  if (!isRole(role)) throw new AccessTokenClaimsError('the issuer’s access token has no valid "role" claim');
  if (typeof org !== 'string' || !PARTY_PATTERN.test(org)) {
    throw new AccessTokenClaimsError('the issuer’s access token has no valid "org" claim');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new AccessTokenClaimsError('the issuer’s access token has no "exp" claim');
  }
  return { role, org, expiresAt: new Date(exp * 1000).toISOString() };
}

/** An authorization response in `search` (the issuer sent the browser back here), or undefined. */
export function authorizationResponseIn(search: string): URLSearchParams | undefined {
  const parameters = new URLSearchParams(search);
  return parameters.has('state') && (parameters.has('code') || parameters.has('error'))
    ? parameters
    : undefined;
}

/** The address without the authorization response's parameters (for `history.replaceState`). */
export function withoutAuthorizationResponse(href: string): string {
  const url = new URL(href);
  for (const name of RESPONSE_PARAMETERS) url.searchParams.delete(name);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A pending request read back from `sessionStorage` (anything else there is ignored). */
export function parsePending(text: string | null): PendingAuthorization | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { verifier, state, nonce, returnTo } = value as Record<string, unknown>;
    if (typeof verifier !== 'string' || typeof state !== 'string' || typeof nonce !== 'string')
      return undefined;
    // A path of this origin only ("/…", never "//host/…").
    return typeof returnTo === 'string' && /^\/(?!\/)/.test(returnTo)
      ? { verifier, state, nonce, returnTo }
      : { verifier, state, nonce };
  } catch {
    return undefined;
  }
}

/**
 * RP-initiated logout at the issuer, when it offers it: its `end_session_endpoint` with the client and where
 * to come back — never the ID token (`id_token_hint` would put a token in a URL).
 */
export function endSessionUrl(
  server: oauth.AuthorizationServer,
  settings: OidcSettings,
  origin: string,
): URL | undefined {
  if (server.end_session_endpoint === undefined) return undefined;
  const url = new URL(server.end_session_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri(origin));
  return url;
}
