import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, renderOpenApi } from '../../../scripts/generate-openapi.js';
import { ACCESS_MATRIX } from '../../../libs/access/src/index.js';

describe('docs/openapi.json', () => {
  it('is the document the code generates (run `npm run openapi` after changing the API)', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8');
    expect(
      committed === (await renderOpenApi()),
      'docs/openapi.json is out of date: run npm run openapi',
    ).toBe(true);
  });

  it('describes one operation per permitted matrix cell, each with an id, bearer auth and problem answers', async () => {
    const doc = JSON.parse(await renderOpenApi()) as {
      paths: Record<
        string,
        Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>
      >;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => !path.startsWith('/health') && path !== '/directory')
      .flatMap(([, methods]) => Object.values(methods));
    expect(operations).toHaveLength(Object.values(ACCESS_MATRIX).reduce((n, roles) => n + roles.length, 0));
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z-]+_[a-zA-Z]+$/);
      expect(operation.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
