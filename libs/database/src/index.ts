// PostgreSQL for what Temporal and Kafka are not made for: the gateway's access-log outbox (ADR 0007).
export { createPool, migrateDatabase, isDatabaseReachable, MIGRATIONS_DIR, type Pool } from './database.js';
