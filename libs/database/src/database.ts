import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export type Pool = pg.Pool;

/** The schema migrations (SQL, node-pg-migrate format), next to the compiled or the source code. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * A connection pool with bounded waits: a query never hangs on a database that does not answer (the caller
 * turns the failure into 503), and an idle connection is dropped before a firewall would cut it.
 */
export function createPool(
  databaseUrl: string,
  options: { max?: number; applicationName?: string } = {},
): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 5_000,
    application_name: options.applicationName ?? 'victim-pathway',
  });
  // An idle client losing its connection (the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (a transaction in progress, a lock held): its query fails, and the pool
  // drops it on release (it is no longer queryable). Seen when the read model's projection was mid-apply.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/**
 * Applies every pending migration, in one transaction, under node-pg-migrate's advisory lock (several
 * gateways starting at once wait for each other). Returns the names applied.
 */
export async function migrateDatabase(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  if (!existsSync(MIGRATIONS_DIR)) throw new Error(`schema migrations not found at ${MIGRATIONS_DIR}`);
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    singleTransaction: true,
    checkOrder: true,
    advisoryLockMode: 'wait',
    log: () => undefined,
  });
  for (const migration of applied) log(`applied schema migration ${migration.name}`);
  return applied.map((m) => m.name);
}

/** Readiness: the database answers a trivial query. */
export async function isDatabaseReachable(pool: Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
