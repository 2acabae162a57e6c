import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_PRELOAD_MODULES } from './pathway-worker.js';

/** A module's runtime imports (type-only ones left out): relative paths resolved to `.ts`, packages by name. */
function runtimeImports(file: string): { local: string[]; packages: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const local: string[] = [];
  const packages: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    }
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    const text = specifier.text;
    if (text.startsWith('.')) local.push(resolve(dirname(file), text.replace(/\.js$/, '.ts')));
    else
      packages.push(
        text.startsWith('@') ? text.split('/').slice(0, 2).join('/') : (text.split('/')[0] ?? text),
      );
  }
  return { local, packages };
}

/** Top-level statements that would hold state between cases if the module were shared: `let` and `var`. */
function mutableTopLevel(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  return source.statements
    .filter(
      (statement): statement is ts.VariableStatement =>
        ts.isVariableStatement(statement) &&
        (statement.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0,
    )
    .map((statement) => `${file}: ${statement.getText(source).split('\n')[0] ?? ''}`);
}

/** Every local module these load, themselves included. */
function closure(roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = roots.map((path) => path.replace(/\.js$/, '.ts'));
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    pending.push(...runtimeImports(file).local);
  }
  return seen;
}

const packagesOf = (files: Set<string>) =>
  [...new Set([...files].flatMap((file) => runtimeImports(file).packages))].sort();

/**
 * The modules the worker preloads are shared by every case in a worker thread (ADR 0019). The SDK
 * deep-freezes their exports; what it cannot freeze is checked here, on the sources: nothing they load keeps
 * module state in a `let` or `var`, and the only package they load is luxon (never zod, whose schemas build
 * their methods on first use, nor the Temporal workflow API or OpenTelemetry, whose modules stay per case).
 */
describe('the workflow modules preloaded once per worker thread', () => {
  const files = closure(WORKFLOW_PRELOAD_MODULES);

  it('are the domain, with what it loads', () => {
    expect(files.size).toBeGreaterThan(10);
    expect([...files].every((file) => file.includes('/libs/domain/src/'))).toBe(true);
  });

  it('load no package but luxon', () => {
    expect(packagesOf(files)).toEqual(['luxon']);
  });

  it('keep no state in module-level let or var', () => {
    expect([...files].flatMap(mutableTopLevel)).toEqual([]);
  });
});

/** The workflow sources (what the bundle is made of, besides what they import). */
function workflowSources(): string[] {
  const workflows = fileURLToPath(new URL('../../../workflows/', import.meta.url));
  return readdirSync(workflows, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => join(workflows, name));
}

describe('the contracts the workflows load', () => {
  const sources = workflowSources();
  const entry = fileURLToPath(new URL('../../../libs/contracts/src/workflow.ts', import.meta.url));

  it('build no zod schema in the sandbox (nothing they load imports zod)', () => {
    const files = closure([entry]);
    expect(files.size).toBeGreaterThan(5);
    expect(packagesOf(files)).not.toContain('zod');
  });

  it('are the only contracts the workflows import', () => {
    const contracts = sources.flatMap((file) =>
      runtimeImports(file).local.filter((path) => path.includes('/libs/contracts/')),
    );
    expect(contracts.length).toBeGreaterThan(3);
    expect(new Set(contracts)).toEqual(new Set([entry]));
  });
});

describe('OpenTelemetry in the sandbox (ADR 0022)', () => {
  it('is loaded on demand by a traced run, never imported by a workflow module (it cost ~200 KB per cached case)', () => {
    const imported = workflowSources().flatMap((file) =>
      runtimeImports(file).packages.filter((name) => name === '@temporalio/interceptors-opentelemetry'),
    );
    expect(imported).toEqual([]);
  });
});
