import { Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { requireJsonBody } from '../http/http-edges.js';
import { LocalSignInService, type LocalSession } from './local-sign-in.service.js';

export const LOCAL_SIGN_IN_PATH = '/auth/local/token';

/** `POST /auth/local/token` — registered only when `localSignInAvailable(config)` (the embedded default). */
@Controller('auth/local')
export class LocalSignInController {
  constructor(@Inject(LocalSignInService) private readonly signIns: LocalSignInService) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  signIn(@Req() request: Request): Promise<LocalSession> {
    requireJsonBody(request);
    return this.signIns.signIn(request.body);
  }
}
