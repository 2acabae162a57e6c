/**
 * `npm run migrate`: applies the pending schema migrations to DATABASE_URL (the gateway also does so at
 * boot, under an advisory lock). For deployments that migrate before rolling the apps out.
 */
import { migrateDatabase } from '../libs/database/src/index.js';

const url = process.env['DATABASE_URL'];
if (url === undefined || url === '') {
  process.stderr.write('npm run migrate: set DATABASE_URL (postgres://user:password@host:port/database)\n');
  process.exit(2);
}
migrateDatabase(url, (line) => process.stdout.write(`${line}\n`)).then(
  (applied) => {
    process.stdout.write(
      applied.length === 0 ? 'schema is current\n' : `applied ${applied.length} migration(s)\n`,
    );
  },
  (error: unknown) => {
    process.stderr.write(`npm run migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
