/**
 * `npm run keys -- <command>`: the local key files of the embedded default (ADR 0014, ADR 0015).
 *
 *   rotate-payload-key   a new key seals Temporal's payloads from the apps' next start; old keys still open
 *                        old histories (a running app reads the file again when it meets a key it has not seen)
 *   rotate-master-key    a new master key wraps new cases' data keys; old ones still unwrap
 *   rewrap               moves every case's data key to the current master key (needs DATABASE_URL), after
 *                        which an old master key can be retired from the file
 *
 * The keys are in $PERSON_KEYRING_DIR / $PAYLOAD_KEYRING_DIR, default `<DATA_DIR>/keys` (`.data/keys`).
 * Deployed with a KMS, rotation is the KMS's (ADR 0015: how to plug one in).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { createPool } from '../libs/database/src/index.js';
import {
  LocalKeyring,
  PayloadKeyring,
  PersonVault,
  ensureLocalKeyring,
  rotateLocalKeyring,
  rotatePayloadKeys,
} from '../libs/personal-data/src/index.js';
import { repoRoot } from './repo-root.js';

const USAGE = 'usage: npm run keys -- rotate-payload-key | rotate-master-key | rewrap';

function dir(variable: string): string {
  const given = process.env[variable]?.trim();
  const dataDir = process.env['DATA_DIR']?.trim() || '.data';
  const path = given !== undefined && given !== '' ? given : join(dataDir, 'keys');
  return isAbsolute(path) ? path : resolve(repoRoot, path);
}

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'rotate-payload-key': {
      await PayloadKeyring.open(dir('PAYLOAD_KEYRING_DIR')); // made on first start; made here if not yet
      const id = await rotatePayloadKeys(dir('PAYLOAD_KEYRING_DIR'));
      console.log(`payload key ${id} is current; restart the worker and the gateway to seal with it`);
      return 0;
    }
    case 'rotate-master-key': {
      await ensureLocalKeyring(dir('PERSON_KEYRING_DIR'));
      const id = await rotateLocalKeyring(dir('PERSON_KEYRING_DIR'));
      console.log(`master key ${id} is current; restart the gateway, then run: npm run keys -- rewrap`);
      return 0;
    }
    case 'rewrap': {
      const url = process.env['DATABASE_URL'];
      if (url === undefined || url === '') {
        console.error(
          'npm run keys -- rewrap: set DATABASE_URL (postgres://user:password@host:port/database)',
        );
        return 2;
      }
      const pool = createPool(url, { applicationName: 'victim-pathway-keys' });
      try {
        const vault = new PersonVault(pool, await LocalKeyring.load(dir('PERSON_KEYRING_DIR')));
        const { rewrapped, skipped } = await vault.rewrapAll();
        console.log(`re-wrapped ${rewrapped} data key(s); ${skipped} under a master key not in the file`);
      } finally {
        await pool.end();
      }
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
