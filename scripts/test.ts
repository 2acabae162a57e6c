/**
 * `npm test`: every check and every tier, in one command.
 *   1. type-check  2. lint and format check  3. real servers up (Temporal dev server + Kafka, provisioned from
 *   registries, and PostgreSQL from its npm package)
 *   4. vitest: unit, replay, integration and e2e projects against those servers, then the short fault drills
 *      (their own servers)  5. servers down.
 * Prints one closing line "tests: N passed, N failed".
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServers, type TestServers } from '../test/support/servers.js';
import { bundleWorkflows } from './bundle-workflows.js';
import { repoRoot } from './repo-root.js';

function run(
  title: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  process.stdout.write(`\n== ${title}\n`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env });
    child.on('exit', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `== ${title}: ${code === 0 ? 'ok' : `failed (${signal ?? code})`} in ${seconds} s\n`,
      );
      resolve(code ?? 1);
    });
  });
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

async function main(): Promise<number> {
  const bin = (name: string): string => join(repoRoot, 'node_modules', '.bin', name);
  if ((await run('type-check (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) !== 0) return 1;
  if (
    (await run('type-check the console (tsc)', bin('tsc'), [
      '-p',
      'apps/console/tsconfig.json',
      '--noEmit',
    ])) !== 0
  )
    return 1;
  if ((await run('lint (eslint)', bin('eslint'), ['--max-warnings', '0', '.'])) !== 0) return 1;
  if ((await run('boundaries (dependency-cruiser)', bin('tsx'), ['scripts/check-boundaries.ts'])) !== 0)
    return 1;
  if (
    (await run('format (prettier --check)', bin('prettier'), ['--check', '--log-level', 'warn', '.'])) !== 0
  )
    return 1;

  let servers: TestServers | undefined;
  const scratch = await mkdtemp(join(tmpdir(), 'victim-pathway-npm-test-'));
  const stopAll = async (): Promise<void> => {
    await servers?.stop();
    servers = undefined;
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    process.stdout.write('\n== real servers for the integration and e2e tiers\n');
    servers = await startTestServers();
    const bundleStarted = performance.now();
    const bundle = await bundleWorkflows(join(scratch, 'workflow-bundle.js'));
    process.stdout.write(
      `workflow bundle built in ${((performance.now() - bundleStarted) / 1000).toFixed(1)} s\n`,
    );
    const report = join(scratch, 'vitest.json');
    const code = await run(
      'vitest: unit, replay, integration, e2e, browser, drill',
      bin('vitest'),
      [
        'run',
        ...['unit', 'replay', 'integration', 'e2e', 'browser', 'drill'].flatMap((project) => [
          '--project',
          project,
        ]),
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
      ],
      {
        ...process.env,
        TEST_TEMPORAL_ADDRESS: servers.temporalAddress,
        TEST_KAFKA_BROKERS: servers.kafkaBrokers,
        TEST_DATABASE_URL: servers.databaseUrl,
        TEST_DATA_DIR: servers.dataDir,
        TEST_WORKFLOW_BUNDLE: bundle,
      },
    );
    const result = JSON.parse(await readFile(report, 'utf8').catch(() => '{}')) as Partial<VitestJson>;
    const passed = result.numPassedTests ?? 0;
    const failed = result.numFailedTests ?? (code === 0 ? 0 : 1);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
    return code === 0 && passed > 0 ? 0 : 1;
  } finally {
    await stopAll();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
