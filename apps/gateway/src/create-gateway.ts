import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { GatewayModule } from './gateway.module.js';

export const OPENAPI_PATH = 'docs';

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Victim pathway gateway')
    .setDescription(
      'Agency gateways to the durable support pathways of presumed victims of human trafficking in Denmark. ' +
        'Errors are RFC 9457 problem+json with a stable `code`.',
    )
    .setVersion('0.1.0')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** The composition root of the HTTP gateway, shared by `main.ts` and the end-to-end tests. */
export async function createGateway(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule, {
    logger: ['error', 'warn', 'log'],
    bufferLogs: false,
    // Boot failures reach main() and are reported in one line, not as Nest's stack trace.
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '64kb' });
  app.enableShutdownHooks();
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${OPENAPI_PATH}/openapi.json`,
  });
  return app;
}
