import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';
import type { Role } from '../../libs/contracts/src/index.js';

/** A user of the test issuer: the login typed on its sign-in page, and the claims the gateway reads. */
export interface IssuerUser {
  readonly role: Role;
  readonly org: string;
}

export interface OidcIssuerOptions {
  /** The port to listen on (127.0.0.1): the gateway's configuration names the issuer before it starts. */
  readonly port: number;
  /** The console's public client. */
  readonly clientId: string;
  /** Where the issuer may send the browser back: the gateway's origin (`<origin>/`). */
  readonly consoleOrigin: string;
  /** The resource indicator (RFC 8707) naming the gateway, and the audience its access tokens carry. */
  readonly resource: string;
  readonly audience: string;
  /** The scope of the gateway's API at the issuer. */
  readonly apiScope: string;
  /** Logins the sign-in page accepts (any password), with their role and organisation. */
  readonly users: Readonly<Record<string, IssuerUser>>;
}

export interface RunningOidcIssuer {
  /** `http://127.0.0.1:<port>`: the issuer identifier, and the base of its endpoints. */
  readonly issuer: string;
  /** Its `jwks_uri` (the gateway's `AUTH_JWKS_URL`). */
  readonly jwksUrl: string;
  /** Lifetime of the access tokens issued from now on, in seconds (default one hour). */
  accessTokenSeconds: number;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (`oidc-provider`) for the tests, in this process: a public client with PKCE
 * required, its own sign-in and consent pages (the package's development interactions: any password), and
 * access tokens as RS256 JWTs for the gateway's resource, carrying its audience and the user's `role` and
 * `org`. Nothing in it is a stand-in: the console and the gateway talk to it as they would to Keycloak.
 */
export async function startOidcIssuer(options: OidcIssuerOptions): Promise<RunningOidcIssuer> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-issuer-1', alg: 'RS256', use: 'sig' };
  const running = {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    accessTokenSeconds: 3600,
  };
  const redirectUri = `${options.consoleOrigin}/`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [redirectUri],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-issuer-test-cookie-key'] },
    pkce: { required: () => true },
    ttl: {
      AccessToken: () => running.accessTokenSeconds,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    clientBasedCORS: (_ctx, origin) => origin === options.consoleOrigin,
    findAccount: (_ctx, sub) =>
      options.users[sub] === undefined ? undefined : { accountId: sub, claims: () => ({ sub }) },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.resource) throw new errors.InvalidTarget();
          return {
            scope: options.apiScope,
            audience: options.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: running.accessTokenSeconds,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token ? options.users[token.accountId] : undefined;
      return user === undefined ? undefined : { role: user.role, org: user.org };
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return Object.assign(running, {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  });
}
