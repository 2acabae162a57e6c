/**
 * Copies what the compiled apps read from disk besides code into dist/: the schema migrations. Usage:
 * tsx scripts/build-assets.ts (part of `npm run build`; `npm start` runs it at every start).
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

export async function copyBuildAssets(): Promise<void> {
  await cp(
    join(repoRoot, 'libs', 'database', 'migrations'),
    join(repoRoot, 'dist', 'libs', 'database', 'migrations'),
    {
      recursive: true,
    },
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await copyBuildAssets();
}
