import {
  DEFAULT_AUDIENCE,
  DEFAULT_LOCAL_ISSUER,
  mintToken,
  type MintTokenOptions,
} from '../../libs/auth/src/index.js';
import type { Role } from '../../libs/contracts/src/index.js';

/** A real ES256 token signed with local keys, for the default issuer and audience the gateways verify. */
export function localToken(
  signing: Pick<MintTokenOptions, 'privateJwk' | 'kid'>,
  role: Role,
  org: string,
  sub?: string,
): Promise<string> {
  return mintToken({
    privateJwk: signing.privateJwk,
    kid: signing.kid,
    issuer: DEFAULT_LOCAL_ISSUER,
    audience: DEFAULT_AUDIENCE,
    role,
    org,
    ...(sub ? { sub } : {}),
  });
}
