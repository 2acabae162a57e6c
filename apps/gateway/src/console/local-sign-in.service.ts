import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  localSigningKeyFiles,
  mintToken,
  readLocalSigningKey,
  type LocalSigningKey,
} from '../../../../libs/auth/src/index.js';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { localSignInSchema, type localSessionSchema } from '../../../../libs/contracts/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { GATEWAY_CONFIG } from '../tokens.js';

/** A console session's token lives half an hour: long enough for a task, short enough to be lost safely. */
export const LOCAL_SESSION_SECONDS = 30 * 60;

export type LocalSession = z.infer<typeof localSessionSchema>;

/** Where the embedded default's private key is: beside the JWKS the gateway verifies with. */
const keysDirOf = (config: GatewayConfig): string => dirname(config.AUTH_JWKS_PATH);

/**
 * Whether this gateway offers the local sign-in: only when it verifies tokens with local keys (no external
 * issuer, `AUTH_JWKS_URL` unset) and can read the private key beside them (`npm start` and the tests; the
 * docker-compose gateway mounts the public JWKS only, so it has none).
 */
export function localSignInAvailable(config: GatewayConfig): boolean {
  return (
    config.AUTH_JWKS_URL === undefined && existsSync(localSigningKeyFiles(keysDirOf(config)).privateKeyPath)
  );
}

/**
 * The embedded default's sign-in (ADR 0018): mints a short-lived token for a role and an organisation with
 * the local signing key, as `npm run token` does. Anyone who can reach the gateway of an embedded default can
 * already run that script; with an external issuer this service is not registered at all.
 */
@Injectable()
export class LocalSignInService {
  private key: Promise<LocalSigningKey> | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async signIn(body: unknown): Promise<LocalSession> {
    const { role, org } = parseOrThrow(localSignInSchema, body);
    // Read once; a failed read (the key file being replaced) is tried again on the next sign-in.
    this.key ??= readLocalSigningKey(keysDirOf(this.config)).catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    const { privateJwk, kid } = await this.key;
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + LOCAL_SESSION_SECONDS) * 1000);
    const token = await mintToken({
      privateJwk,
      kid,
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
      role,
      org,
      ttlSeconds: LOCAL_SESSION_SECONDS,
    });
    return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), role, org };
  }
}
