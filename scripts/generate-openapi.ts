/**
 * Writes the gateway's OpenAPI document to `docs/openapi.json` from the code (no servers needed).
 * `npm run openapi`; a unit test fails when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import 'reflect-metadata';
import { openApiDocumentOffline } from '../apps/gateway/src/openapi-document.js';
import { repoRoot } from './repo-root.js';

export const OPENAPI_FILE = join(repoRoot, 'docs', 'openapi.json');

export async function renderOpenApi(): Promise<string> {
  return `${JSON.stringify(await openApiDocumentOffline(), null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await writeFile(OPENAPI_FILE, await renderOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
