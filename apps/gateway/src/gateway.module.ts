import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { gatewayEnvSchema, loadConfig, type GatewayConfig } from '../../../libs/config/src/index.js';
import { createKafka } from '../../../libs/messaging/src/index.js';
import { connectTemporalClient } from '../../../libs/temporal/src/index.js';
import { CasesController } from './cases/cases.controller.js';
import { CasesService } from './cases/cases.service.js';
import { HealthController } from './health/health.controller.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { GATEWAY_CONFIG, KAFKA, TEMPORAL_CLIENT } from './tokens.js';

@Module({
  controllers: [CasesController, HealthController],
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: (): GatewayConfig => loadConfig(gatewayEnvSchema) },
    {
      provide: TEMPORAL_CLIENT,
      useFactory: (config: GatewayConfig) =>
        connectTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: KAFKA,
      useFactory: (config: GatewayConfig): Kafka =>
        createKafka(
          { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-gateway` },
          { silent: true },
        ),
      inject: [GATEWAY_CONFIG],
    },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    CasesService,
  ],
})
export class GatewayModule implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
