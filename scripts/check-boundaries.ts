/**
 * `npm run deps`: the boundaries a machine checks (part of `npm test`). dependency-cruiser applies the rules of
 * `.dependency-cruiser.cjs` (no file cycles, libraries only through their index, no orphans, no app into
 * another); this script adds what its rules cannot say: no cycles between folders (a folder is a library's
 * `src` subfolder, e.g. `libs/domain/src/pathway`), computed on the graph dependency-cruiser reports.
 * Prints a summary and exits 1 on any violation.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './repo-root.js';

const SCOPE = ['apps', 'libs', 'workflows', 'test', 'scripts', 'bench'];

interface CruiseModule {
  readonly source: string;
  readonly dependencies: readonly { readonly resolved: string; readonly coreModule: boolean }[];
}

/**
 * The folder a source file belongs to for the cycle check: a subfolder of a library's or an app's `src`
 * (`libs/domain/src/pathway/x.ts` → `libs/domain/src/pathway`). Files at the root of a `src` (its index, its
 * composition root, its shared vocabulary) and tests are not part of the folder graph: an index imports every
 * folder by design, and a test may import what it tests from anywhere.
 */
function folderOf(path: string): string | undefined {
  if (/\.spec\.ts$|^test\/|^bench\/|^scripts\//.test(path)) return undefined;
  const folder = /^((?:libs|apps)\/[^/]+\/src\/[^/]+)\//.exec(path);
  return folder?.[1];
}

/** Strongly connected components with more than one folder (Tarjan). */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

async function main(): Promise<number> {
  const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');
  const args = [...SCOPE, '--config', '.dependency-cruiser.cjs'];
  const rules = await promisify(execFile)(depcruise, [...args, '--output-type', 'err'], {
    cwd: repoRoot,
    maxBuffer: 50_000_000,
  }).then(
    ({ stdout }) => ({ ok: true, text: stdout }),
    (error: unknown) => {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      return { ok: false, text: `${stdout}${stderr}` };
    },
  );
  const { stdout } = await promisify(execFile)(depcruise, [...args, '--output-type', 'json'], {
    cwd: repoRoot,
    maxBuffer: 200_000_000,
  }).catch((error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '{}' }));
  const modules = (JSON.parse(stdout) as { modules?: CruiseModule[] }).modules ?? [];
  const edges = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = folderOf(module.source);
    if (from === undefined) continue;
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.resolved.startsWith('node_modules/')) continue;
      const to = folderOf(dependency.resolved);
      if (to === undefined || to === from) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const cycles = folderCycles(edges);
  process.stdout.write(rules.text.trim() === '' ? '' : `${rules.text.trim()}\n`);
  for (const cycle of cycles) process.stdout.write(`  error no-folder-cycle: ${cycle.join(' ↔ ')}\n`);
  process.stdout.write(
    `boundaries: ${modules.length} modules in ${edges.size} folders; ${cycles.length} folder cycle(s); rules ${rules.ok ? 'kept' : 'broken'}\n`,
  );
  return rules.ok && cycles.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm run deps: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
