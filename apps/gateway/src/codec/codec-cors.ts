import type {
  CorsOptions,
  CorsOptionsDelegate,
} from '@nestjs/common/interfaces/external/cors-options.interface.js';
import type { Request } from 'express';

const CODEC_PATH = /^\/[a-z-]+\/codec\/(decode|encode)(\?|$)/;

/**
 * CORS for the codec server only (the rest of the gateway answers no cross-origin call): the Temporal UI's
 * pages call `/<role>/codec/decode|encode` from the browser with the operator's token (or credentials) and
 * the namespace header. Only the configured origins get an answer that lets their page read it.
 */
export function codecCors(origins: readonly string[]): CorsOptionsDelegate<Request> {
  const allowed = new Set(origins);
  const refuse: CorsOptions = { origin: false };
  const allow: CorsOptions = {
    origin: true,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace', 'X-Request-Id'],
    maxAge: 600,
  };
  return (request, callback) => {
    const origin = request.headers.origin;
    const ok = origin !== undefined && allowed.has(origin) && CODEC_PATH.test(request.originalUrl);
    callback(null, ok ? allow : refuse);
  };
}
