import 'reflect-metadata';
import { describeBootFailure, gatewayEnvSchema, loadConfig } from '../../../libs/config/src/index.js';
import { createGateway } from './create-gateway.js';

async function main(): Promise<void> {
  const config = loadConfig(gatewayEnvSchema);
  const app = await createGateway(config);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  process.stdout.write(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${describeBootFailure(error)}\n`);
  process.exit(1);
});
