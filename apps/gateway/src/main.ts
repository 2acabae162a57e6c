import 'reflect-metadata';
import { describeBootFailure, gatewayEnvSchema, loadConfig } from '../../../libs/config/src/index.js';
import { Logger } from 'nestjs-pino';
import { logProcessWarnings } from '../../../libs/observability/src/index.js';
import { createGateway } from './create-gateway.js';
import { gatewayLogger } from './http/request-log.js';

async function main(): Promise<void> {
  const config = loadConfig(gatewayEnvSchema);
  const logger = gatewayLogger(config);
  logProcessWarnings(logger);
  const app = await createGateway(config, logger);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  app.get(Logger).log(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${describeBootFailure(error)}\n`);
  process.exit(1);
});
