import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { getHeapStatistics } from 'node:v8';
import { PathwayWorkerRunner, WorkerModule } from './worker.module.js';
import { cacheMemoryWarning } from './pathway-worker.js';
import {
  ConfigError,
  describeBootFailure,
  loadConfig,
  traceExporterOf,
  workerEnvSchema,
} from '../../../libs/config/src/index.js';
import {
  createLogger,
  logProcessWarnings,
  nestLogger,
  startTracing,
  temporalLevel,
  temporalLogger,
} from '../../../libs/observability/src/index.js';

async function main(): Promise<void> {
  const config = loadConfig(workerEnvSchema);
  const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  logProcessWarnings(logger);
  // Memory is set by configuration (ADR 0022): the heap ceiling (the launcher's WORKER_HEAP_MB) and the cache.
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  logger.info(
    `memory: heap ceiling ${heapLimitMb} MB per thread, up to ${config.WORKER_MAX_CACHED_WORKFLOWS} cases cached`,
  );
  const cacheWarning = cacheMemoryWarning(config.WORKER_MAX_CACHED_WORKFLOWS, heapLimitMb);
  if (cacheWarning !== undefined) logger.warn(cacheWarning);
  // The Temporal SDK's lines (its TypeScript side and, forwarded, its native core) through the same logger.
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: temporalLevel(config.LOG_LEVEL) }) },
      // The SDK's metrics and the pathway's own (publish latency, failures, events set aside) on /metrics.
      ...(config.WORKER_METRICS_PORT > 0
        ? {
            metrics: {
              prometheus: {
                bindAddress: `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}`,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
  // Before the worker is made: its activities and the workflows' span sink use this process's tracing.
  const exporter = traceExporterOf(config);
  const tracing = startTracing({ service: 'worker', exporter });
  if (exporter !== 'none') logger.info(`traces exported (${exporter})`);
  const app = await NestFactory.createApplicationContext(WorkerModule.withConfig(config), {
    // A boot failure is reported below in one line: Nest's stack of it only at debug.
    logger: nestLogger(logger, { bootFailuresAt: 'debug' }),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.get(PathwayWorkerRunner).run();
  await app.close();
  await tracing.shutdown().catch(() => undefined);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker: ${describeBootFailure(error)}\n`);
    // 2: the configuration is wrong (nothing was started); 1: something failed at boot or while running.
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
