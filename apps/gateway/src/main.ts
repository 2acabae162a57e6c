import 'reflect-metadata';
import {
  ConfigError,
  describeBootFailure,
  gatewayEnvSchema,
  loadConfig,
  traceExporterOf,
} from '../../../libs/config/src/index.js';
import { logProcessWarnings, startTracing } from '../../../libs/observability/src/index.js';
import { createGateway } from './create-gateway.js';
import { Drain } from './health/drain.js';
import { gatewayLogger } from './http/request-log.js';

async function main(): Promise<void> {
  const config = loadConfig(gatewayEnvSchema);
  const logger = gatewayLogger(config);
  logProcessWarnings(logger);
  // Before anything that makes spans: the trace context always flows; spans leave only when configured.
  const exporter = traceExporterOf(config);
  const tracing = startTracing({ service: 'gateway', exporter });
  if (exporter !== 'none') logger.info(`traces exported (${exporter})`);
  const app = await createGateway(config, logger);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.info(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);

  // A graceful stop: not ready, no new connections, the requests in flight answered, then the providers.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: not ready, accepting nothing new, finishing the requests in flight');
    const started = Date.now();
    void app
      .get(Drain)
      .drain(app.getHttpServer(), config.GATEWAY_DRAIN_TIMEOUT_MS)
      .then(async (finished) => {
        if (!finished) logger.warn(`requests still open after ${config.GATEWAY_DRAIN_TIMEOUT_MS} ms: closed`);
        await app.close();
        await tracing.shutdown().catch(() => undefined);
        logger.info(`stopped in ${Date.now() - started} ms`);
        logger.flush();
        process.exit(0);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${describeBootFailure(error)}\n`);
  // 2: the configuration is wrong (nothing was started); 1: something failed at boot.
  process.exit(error instanceof ConfigError ? 2 : 1);
});
