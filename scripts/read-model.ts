/**
 * `npm run read-model -- rebuild`: empties the caseload read model and projects the audit topic into it again
 * from its beginning (issue 14). Needs DATABASE_URL and KAFKA_BROKERS (`npm start` prints both). The gateways
 * may keep running: they converge on the same rows; their listings are incomplete until it ends.
 */
import { createPool, migrateDatabase } from '../libs/database/src/index.js';
import { createKafka } from '../libs/messaging/src/index.js';
import { ReadModelStore, rebuildReadModel } from '../libs/read-model/src/index.js';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'rebuild') {
    console.error('usage: npm run read-model -- rebuild   (env DATABASE_URL, KAFKA_BROKERS)');
    return 2;
  }
  const url = process.env['DATABASE_URL'];
  const brokers = process.env['KAFKA_BROKERS'];
  if (!url || !brokers) {
    console.error('npm run read-model -- rebuild: set DATABASE_URL and KAFKA_BROKERS');
    return 2;
  }
  await migrateDatabase(url);
  const pool = createPool(url, { applicationName: 'victim-pathway-read-model-rebuild' });
  try {
    const kafka = createKafka(
      { brokers: brokers.split(','), clientId: 'victim-pathway-rebuild' },
      { silent: true },
    );
    const figures = await rebuildReadModel(kafka, new ReadModelStore(pool), { log: console.log });
    console.log(
      `read model rebuilt: ${figures.messages} audit messages read, ${figures.applied} applied, in ${figures.seconds.toFixed(1)} s`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run read-model: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
