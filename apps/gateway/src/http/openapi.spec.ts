import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  OPENAPI_FILE,
  OPENAPI_TYPES_FILE,
  renderOpenApi,
  renderOpenApiTypes,
} from '../../../../scripts/generate-openapi.js';
import { repoRoot } from '../../../../scripts/repo-root.js';
import { ACCESS_MATRIX } from '../../../../libs/access/src/index.js';

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ $ref?: string; name?: string; schema?: unknown }>;
  requestBody?: { required: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

const agencyOperations = (doc: Document): Array<[string, string, Operation]> =>
  Object.entries(doc.paths)
    .filter(([path]) => !path.startsWith('/health') && !path.startsWith('/auth/') && path !== '/directory')
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]): [string, string, Operation] => [path, method, op]),
    );

describe('docs/openapi.json', () => {
  it('is the document the code generates (run `npm run openapi` after changing the API)', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    expect(committed === renderOpenApi(), 'docs/openapi.json is out of date: run npm run openapi').toBe(true);
  });

  it('reports the package’s version (what an integrating agency pins against)', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const doc = JSON.parse(renderOpenApi()) as { info: { version: string } };
    expect(doc.info.version).toBe(pkg.version);
  });

  it('has its generated client types current (apps/console/src/api/openapi.d.ts, openapi-typescript)', async () => {
    const committed = await readFile(OPENAPI_TYPES_FILE, 'utf8');
    expect(
      committed === (await renderOpenApiTypes()),
      'the client types are out of date: run npm run openapi',
    ).toBe(true);
  });

  it('describes one operation per permitted matrix cell, each with an id, bearer auth and problem answers', () => {
    const doc = JSON.parse(renderOpenApi()) as Document;
    const operations = agencyOperations(doc).map(([, , op]) => op);
    expect(operations).toHaveLength(Object.values(ACCESS_MATRIX).reduce((n, roles) => n + roles.length, 0));
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z-]+_[a-zA-Z]+$/);
      if (operation.operationId.endsWith('_deadlineCalendar')) {
        // A calendar feed is read with its own secret (ADR 0020): calendar clients send no bearer header.
        expect(operation.security).toEqual([{ feedToken: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '404']));
        continue;
      }
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('is OpenAPI 3.1 with a schema for every answer, typed path parameters and every status a caller can get', () => {
    const doc = JSON.parse(renderOpenApi()) as Document;
    expect(doc.openapi).toBe('3.1.0');
    for (const name of ['Problem', 'CaseView', 'CaseAccepted', 'CaseloadEntry', 'Directory', 'Readiness']) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    for (const [path, method, operation] of agencyOperations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const [status, answer] of Object.entries(operation.responses)) {
        // Every answer has a schema: its own content, or a problem answer of the components (204: no body).
        if (status === '204') continue;
        expect(answer.$ref ?? answer.content, `${where} ${status}`).toBeDefined();
      }
      expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['503']));
      if (path.includes('{caseRef}')) {
        expect(operation.parameters, where).toContainEqual({ $ref: '#/components/parameters/CaseRef' });
      }
      if (method === 'post') {
        expect(operation.requestBody?.required, where).toBe(true);
        expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['413', '415']));
      }
    }
  });

  it('passes the OpenAPI linter (Redocly) with no errors', async () => {
    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'redocly'),
      ['lint', '--format=json', OPENAPI_FILE],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((error: unknown) => ({
      // The linter exits non-zero when it reports errors: its report is still on stdout.
      stdout: typeof error === 'object' && error !== null && 'stdout' in error ? String(error.stdout) : '',
    }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number };
      problems: Array<{ ruleId: string; severity: string }>;
    };
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});
