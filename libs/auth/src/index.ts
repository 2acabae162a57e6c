// Bearer-token authentication: the embedded default's local ES256 keys and minter, and one verifier for
// those keys or an OIDC issuer's JWKS.
export {
  ACCEPTED_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_AUDIENCE,
  DEFAULT_LOCAL_ISSUER,
  DEFAULT_TOKEN_TTL_SECONDS,
  localKeysDir,
} from './auth.constants.js';
export { AuthenticationError, KeySetUnavailableError, type AuthenticationErrorCode } from './auth.errors.js';
export {
  JWKS_FILE,
  PRIVATE_KEY_FILE,
  ensureLocalSigningKeys,
  localSigningKeyFiles,
  readLocalSigningKey,
  type EnsuredLocalSigningKeys,
  type LocalSigningKey,
  type LocalSigningKeyFiles,
} from './local-keys.js';
export { InvalidTokenRequestError, mintToken, type MintTokenOptions } from './token-minter.js';
export {
  createTokenVerifier,
  type LocalTokenVerifierOptions,
  type RemoteTokenVerifierOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './token-verifier.js';
