import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { GatewayConfig } from '../../../../libs/config/src/index.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { signInConfig, type SignInConfig } from './sign-in-config.js';

export const SIGN_IN_CONFIG_PATH = '/auth/config';

/** `GET /auth/config` (no token): how the console signs in here — local, OpenID Connect, or none. */
@Controller('auth')
export class SignInConfigController {
  private readonly answer: SignInConfig;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.answer = signInConfig(config);
  }

  @Get('config')
  @Header('Cache-Control', 'no-cache')
  config(): SignInConfig {
    return this.answer;
  }
}
