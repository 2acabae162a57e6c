import type { TestProject } from 'vitest/node';
import { startTestServers, type TestServers } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kafkaBrokers: string;
  }
}

let servers: TestServers | undefined;

/**
 * Integration and e2e tiers: use the servers named by TEST_TEMPORAL_ADDRESS / TEST_KAFKA_BROKERS
 * (set by `npm test`), or start real ones for this run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let temporalAddress = process.env['TEST_TEMPORAL_ADDRESS'];
  let kafkaBrokers = process.env['TEST_KAFKA_BROKERS'];
  if (!temporalAddress || !kafkaBrokers) {
    servers = await startTestServers();
    temporalAddress = servers.temporalAddress;
    kafkaBrokers = servers.kafkaBrokers;
  }
  project.provide('temporalAddress', temporalAddress);
  project.provide('kafkaBrokers', kafkaBrokers);
  return async () => {
    await servers?.stop();
    servers = undefined;
  };
}
