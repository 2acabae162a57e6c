import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';

const scripts = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/**
 * The long-running commands that own servers (`npm start`, `npm test`, `npm run drill`) run their script with
 * tsx's loader in the script's own process (`node --import tsx`), not through tsx's command line. That command
 * line relays a SIGINT or SIGTERM to its child and, if the child does not acknowledge it within 30 ms (its
 * event loop busy, as on a loaded machine), kills it with SIGKILL and exits 130: the launcher never stops the
 * Temporal, Kafka and PostgreSQL it started, and they keep their ports (CI, 2026-12-07: the launcher test's
 * second start exited 130 and the next two tests found its ports taken).
 */
describe('package.json: the commands that own servers receive their signals themselves', () => {
  it.each(['start', 'test', 'drill'])('npm %s runs its script with node --import tsx', (name) => {
    expect(scripts[name]).toBe(`node scripts/with-node.mjs node --import tsx scripts/${name}.ts`);
  });
});
