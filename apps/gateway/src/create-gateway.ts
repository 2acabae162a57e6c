import { NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AccessLogService } from './auth/access-log.service.js';
import { codecCors } from './codec/codec-cors.js';
import { agencyRoutes } from './http/agency-routes.js';
import type { GatewayConfig } from '../../../libs/config/src/index.js';
import { nestLogger } from '../../../libs/observability/src/index.js';
import { GatewayModule } from './gateway.module.js';
import { Drain } from './health/drain.js';
import { gatewayLogger } from './http/request-log.js';
import { methodNotAllowed } from './http/http-edges.js';
import { requestTrace } from './http/request-trace.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { OPENAPI_PATH, openApiDocument } from './http/openapi.js';
import { consoleStatic } from './console/console-static.js';
import { LOCAL_SIGN_IN_PATH } from './console/local-sign-in.controller.js';
import { localSignInAvailable } from './console/local-sign-in.service.js';
import { SIGN_IN_CONFIG_PATH } from './console/sign-in-config.controller.js';
import { consoleConnectOrigins } from './console/sign-in-config.js';

export { OPENAPI_PATH };

/**
 * The composition root of the HTTP gateway, shared by `main.ts` and the end-to-end tests, for a
 * configuration its caller loaded once.
 */
export async function createGateway(
  config: GatewayConfig,
  logger?: PinoLogger,
): Promise<NestExpressApplication> {
  const pino = logger ?? gatewayLogger(config);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.withConfig(config, pino), {
    // Nest's own lines through the app's pino logger from the first one (JSON lines, or pretty at a terminal).
    // A boot failure reaches main() and is reported there in one line: Nest's stack of it only at debug.
    logger: nestLogger(pino, { bootFailuresAt: 'debug' }),
    abortOnError: false,
    // JSON only: a form post must not be parsed into an act (415 instead).
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '64kb' });
  // Before the edges below: a preflight of the codec server from the Temporal UI's origin is answered here.
  app.enableCors(codecCors(config.CODEC_CORS_ORIGINS));
  // No signal hooks here: main.ts drains on SIGTERM before closing the app; tests close it themselves.
  app.use(requestTrace);
  app.use(app.get(Drain).middleware);
  app.use(app.get(GatewayMetrics).middleware);
  app.use(app.get(AccessLogService).middleware);
  app.use(
    methodNotAllowed([
      ...agencyRoutes(),
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/health/ready' },
      { method: 'GET', path: '/directory' },
      { method: 'GET', path: '/metrics' },
      { method: 'GET', path: `/${OPENAPI_PATH}/*` },
      { method: 'GET', path: SIGN_IN_CONFIG_PATH },
      ...(localSignInAvailable(config) ? [{ method: 'POST', path: LOCAL_SIGN_IN_PATH }] : []),
    ]),
  );
  // The caseworker console (ADR 0018), when it is built: its files and its page, never under an API path.
  const consoleFiles = consoleStatic(config.CONSOLE_DIR, consoleConnectOrigins(config));
  if (consoleFiles !== undefined) app.use(consoleFiles);
  // The document is written from the route table and the contract's schemas, as docs/openapi.json is.
  SwaggerModule.setup(OPENAPI_PATH, app, () => openApiDocument() as unknown as OpenAPIObject, {
    jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json`,
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}
