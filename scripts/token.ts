// Mints a bearer token for the embedded default, signed with the local key (created on first use):
//
//   TOKEN=$(npm run -s token -- --role police --org nec [--sub id] [--ttl 8h|30m|3600] [--data-dir .data])
//   curl -H "Authorization: Bearer $TOKEN" …
//
// Only the token goes to stdout. Env: AUTH_ISSUER, AUTH_AUDIENCE (must match the gateway's), DATA_DIR
// (keys in <DATA_DIR>/auth; a relative DATA_DIR is taken from the repository root, like `npm start`).
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launcherEnvSchema } from '../libs/config/src/index.js';
import { loadConfig } from '../libs/config/src/index.js';
import { ROLES } from '../libs/contracts/src/index.js';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_LOCAL_ISSUER,
  DEFAULT_TOKEN_TTL_SECONDS,
  InvalidTokenRequestError,
  ensureLocalSigningKeys,
  localKeysDir,
  mintToken,
  readLocalSigningKey,
} from '../libs/auth/src/index.js';
import { repoRoot } from './repo-root.js';

const EXIT_USAGE = 2;

class UsageError extends Error {}

function usage(): string {
  return [
    'usage: npm run -s token -- --role <role> --org <org> [--sub <id>] [--ttl 8h|30m|3600] [--data-dir <dir>]',
    `  roles: ${ROLES.join(', ')}`,
    '  --org       organisation code, e.g. nec (lower-case letters, digits, dashes)',
    '  --sub       subject id (default: <role>-<org>-<random>)',
    `  --ttl       lifetime: seconds, or a number with s, m, h or d (default ${DEFAULT_TOKEN_TTL_SECONDS / 3600}h)`,
    '  --data-dir  where the keys live, in <dir>/auth (default: env DATA_DIR or .data)',
    `  env AUTH_ISSUER (default ${DEFAULT_LOCAL_ISSUER}), AUTH_AUDIENCE (default ${DEFAULT_AUDIENCE})`,
  ].join('\n');
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (TTL_UNITS[match[2] || 's'] ?? 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(
      `--ttl must be a positive number of seconds, or a number with s, m, h or d (e.g. 8h)`,
    );
  }
  return seconds;
}

function fromEnv(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        org: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) {
    console.log(usage());
    return;
  }
  if (values.role === undefined) throw new UsageError('--role is required');
  if (values.org === undefined) throw new UsageError('--org is required');
  const ttlSeconds = values.ttl === undefined ? undefined : parseTtl(values.ttl);

  const dataDir =
    values['data-dir'] !== undefined
      ? resolve(values['data-dir'])
      : inRepo(loadConfig(launcherEnvSchema.pick({ DATA_DIR: true })).DATA_DIR);
  const keysDir = localKeysDir(dataDir);
  const keys = await ensureLocalSigningKeys(keysDir);
  if (keys.created) console.error(`created local signing keys in ${keysDir}`);
  const { privateJwk, kid } = await readLocalSigningKey(keysDir);

  const token = await mintToken({
    privateJwk,
    kid,
    issuer: fromEnv('AUTH_ISSUER', DEFAULT_LOCAL_ISSUER),
    audience: fromEnv('AUTH_AUDIENCE', DEFAULT_AUDIENCE),
    role: values.role,
    org: values.org,
    sub: values.sub,
    ttlSeconds,
  });
  process.stdout.write(`${token}\n`);
}

function inRepo(path: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot, path);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof InvalidTokenRequestError) {
    console.error(`token: ${error.message}\n${usage()}`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  console.error('token: failed:', error);
  process.exitCode = 1;
});
