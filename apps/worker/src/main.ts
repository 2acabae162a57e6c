import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PathwayWorkerRunner, WorkerModule } from './worker.module.js';
import { describeBootFailure, loadConfig, workerEnvSchema } from '../../../libs/config/src/index.js';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(
    WorkerModule.withConfig(loadConfig(workerEnvSchema)),
    {
      logger: ['error', 'warn', 'log'],
      abortOnError: false,
    },
  );
  app.enableShutdownHooks();
  await app.get(PathwayWorkerRunner).run();
  await app.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker: ${describeBootFailure(error)}\n`);
    process.exit(1);
  },
);
