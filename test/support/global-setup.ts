import type { TestProject } from 'vitest/node';
import { startTestServers, type TestServers } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kafkaBrokers: string;
    databaseUrl: string;
    /** The servers' data and logs (Temporal's SQLite file, Kafka's log segments, PostgreSQL's files). */
    dataDir: string;
  }
}

let servers: TestServers | undefined;

/**
 * Integration and e2e tiers: use the servers named by TEST_TEMPORAL_ADDRESS / TEST_KAFKA_BROKERS / TEST_DATABASE_URL
 * (set by `npm test`), or start real ones for this run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let temporalAddress = process.env['TEST_TEMPORAL_ADDRESS'];
  let kafkaBrokers = process.env['TEST_KAFKA_BROKERS'];
  let databaseUrl = process.env['TEST_DATABASE_URL'];
  let dataDir = process.env['TEST_DATA_DIR'];
  if (!temporalAddress || !kafkaBrokers || !databaseUrl || !dataDir) {
    servers = await startTestServers();
    temporalAddress = servers.temporalAddress;
    kafkaBrokers = servers.kafkaBrokers;
    databaseUrl = servers.databaseUrl;
    dataDir = servers.dataDir;
  }
  project.provide('temporalAddress', temporalAddress);
  project.provide('kafkaBrokers', kafkaBrokers);
  project.provide('databaseUrl', databaseUrl);
  project.provide('dataDir', dataDir);
  return async () => {
    await servers?.stop();
    servers = undefined;
  };
}
