import type { z } from 'zod';
import { oidcIssuer, type GatewayConfig } from '../../../../libs/config/src/index.js';
import type { signInConfigSchema } from '../../../../libs/contracts/src/index.js';
import { localSignInAvailable } from './local-sign-in.service.js';

export type SignInConfig = z.infer<typeof signInConfigSchema>;

/**
 * How the console signs in on a gateway of this configuration (`GET /auth/config`): the local sign-in in the
 * embedded default, OpenID Connect when a client at an external issuer is configured (`OIDC_CLIENT_ID`, which
 * requires `AUTH_JWKS_URL`, so never both), else none.
 */
export function signInConfig(config: GatewayConfig): SignInConfig {
  if (localSignInAvailable(config)) return { mode: 'local' };
  const issuer = oidcIssuer(config);
  if (issuer === undefined || config.OIDC_CLIENT_ID === undefined) return { mode: 'none' };
  return {
    mode: 'oidc',
    issuer,
    clientId: config.OIDC_CLIENT_ID,
    scope: config.OIDC_SCOPE,
    ...(config.OIDC_RESOURCE === undefined ? {} : { resource: config.OIDC_RESOURCE }),
  };
}

/**
 * The origins the console's pages may `fetch` beyond their own (CSP `connect-src`): the OpenID Connect
 * issuer's, for its discovery document and token endpoint, and only when the console signs in there.
 */
export function consoleConnectOrigins(config: GatewayConfig): string[] {
  const signIn = signInConfig(config);
  return signIn.mode === 'oidc' ? [new URL(signIn.issuer).origin] : [];
}
