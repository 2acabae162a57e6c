import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ROLES } from '../../../libs/contracts/src/index.js';
import { createAgencyController } from './agency/agency-controllers.js';
import { CaseGatewayService } from './agency/case-gateway.service.js';
import { AccessGuard } from './auth/access.guard.js';
import { AccessLogService } from './auth/access-log.service.js';
import { DirectoryController } from './directory/directory.controller.js';
import { HealthController } from './health/health.controller.js';
import { DATABASE, GATEWAY_CONFIG, KAFKA, TEMPORAL_CLIENT, TOKEN_VERIFIER } from './tokens.js';

export const OPENAPI_PATH = 'docs';

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Victim pathway gateway')
    .setDescription(
      [
        'Agency gateways to the durable support pathways of presumed victims of human trafficking in Denmark.',
        '',
        'One gateway per role (`/cmm`, `/dis`, `/police`, `/iom`, `/ngo`, `/guardian`, `/auditor`, …). Every',
        'call carries a bearer JWT whose `role` claim must be the gateway’s role and whose `org` (or, for a',
        'guardian, `sub`) decides which cases it sees: national bodies see every case, the others only cases',
        'granted to them. Each act is a Temporal Update: answered synchronously, validated by the rules, and',
        'made idempotent by the `Idempotency-Key` header. Errors are RFC 9457 problem+json with a stable `code`.',
      ].join('\n'),
    )
    .setVersion('0.2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
}

/**
 * The same controllers with inert providers: enough for Nest to describe the routes, never to serve them.
 * Used to write `docs/openapi.json` without servers (`npm run openapi`) and by the test that keeps it current.
 */
@Module({
  controllers: [...ROLES.map(createAgencyController), HealthController, DirectoryController],
  providers: [
    { provide: GATEWAY_CONFIG, useValue: {} },
    { provide: TEMPORAL_CLIENT, useValue: {} },
    { provide: KAFKA, useValue: {} },
    { provide: TOKEN_VERIFIER, useValue: {} },
    { provide: CaseGatewayService, useValue: {} },
    { provide: DATABASE, useValue: {} },
    { provide: AccessLogService, useValue: {} },
    AccessGuard,
  ],
})
class DocumentationModule {}

export async function openApiDocumentOffline(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestExpressApplication>(DocumentationModule, {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
