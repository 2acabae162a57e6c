import { DevstackError } from './errors.js';
import { run } from './exec.js';

export type Prerequisite = 'node' | 'java' | 'pip' | 'mvn';

export const MIN_NODE = { major: 24, minor: 0 } as const;
export const MIN_JAVA_MAJOR = 17;

const INSTALL_HINTS: Record<Prerequisite, string> = {
  node: 'run it through `npm start` or `npm test`, which bring Node 24 from the npm registry into .tools/node, or install Node 24 LTS',
  java: 'install a Java 17+ runtime (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and put `java` on PATH',
  pip: 'install Python 3 with pip (Debian/Ubuntu: apt-get install -y python3-pip; macOS: brew install python); pip is only used to download wheels from PyPI, nothing is installed',
  mvn: 'install Apache Maven 3.6+ (Debian/Ubuntu: apt-get install -y maven; macOS: brew install maven) and put `mvn` on PATH',
};

/** Parses `major.minor` out of a Node version string such as `v20.19.1` or `20.19.1`. */
export function parseNodeVersion(version: string): { major: number; minor: number } | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * Parses the Java feature version out of `java -version` output, e.g. `openjdk version "17.0.15"` → 17,
 * `java version "1.8.0_392"` → 8, `openjdk version "21" 2023-09-19` → 21.
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

async function problemWith(need: Prerequisite): Promise<string | undefined> {
  switch (need) {
    case 'node': {
      const v = parseNodeVersion(process.versions.node);
      if (!v || v.major < MIN_NODE.major || (v.major === MIN_NODE.major && v.minor < MIN_NODE.minor)) {
        return `Node.js ${process.versions.node} is too old (need >= ${MIN_NODE.major}.${MIN_NODE.minor})`;
      }
      return undefined;
    }
    case 'java': {
      const result = await run('java', ['-version'], { timeoutMs: 30_000 });
      if (result.spawnError) return '`java` was not found on PATH (need Java >= 17)';
      const major = parseJavaMajor(`${result.stderr}\n${result.stdout}`);
      if (!result.ok || major === undefined)
        return '`java -version` failed or printed no version (need Java >= 17)';
      if (major < MIN_JAVA_MAJOR) return `Java ${major} is too old (need >= ${MIN_JAVA_MAJOR})`;
      return undefined;
    }
    case 'pip': {
      const result = await run('python3', ['-m', 'pip', '--version'], { timeoutMs: 60_000 });
      if (result.spawnError)
        return '`python3` was not found on PATH (needed with pip, to download wheels from PyPI)';
      if (!result.ok) return '`python3 -m pip` is not available (python3 was found, pip was not)';
      return undefined;
    }
    case 'mvn': {
      const result = await run('mvn', ['-v'], { timeoutMs: 60_000 });
      if (result.spawnError)
        return '`mvn` (Apache Maven) was not found on PATH (needed to resolve the Kafka jars from Maven Central)';
      if (!result.ok) return '`mvn -v` failed (is JAVA_HOME or `java` set up for Maven?)';
      return undefined;
    }
  }
}

/**
 * Checks the tools the devstack needs on this machine and throws one DevstackError naming every missing or
 * too-old one, each with how to install it. Resolves quietly when all are there.
 */
export async function checkPrerequisites(needs: Array<Prerequisite>): Promise<void> {
  const unique = [...new Set(needs)];
  const problems = await Promise.all(
    unique.map(async (need) => ({ need, problem: await problemWith(need) })),
  );
  const missing = problems.filter(
    (p): p is { need: Prerequisite; problem: string } => p.problem !== undefined,
  );
  if (missing.length === 0) return;
  const lines = missing.map((m) => `  - ${m.problem}: ${INSTALL_HINTS[m.need]}`);
  throw new DevstackError(
    `missing prerequisite${missing.length > 1 ? 's' : ''} (${missing.map((m) => m.need).join(', ')}):\n${lines.join('\n')}`,
    'PREREQUISITES_MISSING',
  );
}
