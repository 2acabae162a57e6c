import { describe, expect, it } from 'vitest';
import { checkPrerequisites, parseJavaMajor, parseNodeVersion } from './prerequisites.js';

describe('version parsing', () => {
  it('reads the Java feature version from `java -version` output', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "25-ea" 2025-09-16')).toBe(25);
    expect(parseJavaMajor('no version here')).toBeUndefined();
  });

  it('reads major.minor from a Node version', () => {
    expect(parseNodeVersion('v20.19.1')).toEqual({ major: 20, minor: 19 });
    expect(parseNodeVersion('22.3.0')).toEqual({ major: 22, minor: 3 });
    expect(parseNodeVersion('garbage')).toBeUndefined();
  });
});

describe('checkPrerequisites', () => {
  it('passes for the Node running this test (>= 24, as package.json engines says)', async () => {
    await expect(checkPrerequisites(['node'])).resolves.toBeUndefined();
  });

  it('names every missing tool with how to install it', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent-devstack-test';
    try {
      const error = await checkPrerequisites(['java', 'pip', 'mvn']).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PREREQUISITES_MISSING' });
      const message = (error as Error).message;
      expect(message).toContain('missing prerequisites (java, pip, mvn)');
      expect(message).toContain('`java` was not found on PATH');
      expect(message).toContain('`python3` was not found on PATH');
      expect(message).toContain('`mvn` (Apache Maven) was not found on PATH');
      expect(message).toContain('apt-get install -y maven');
    } finally {
      process.env['PATH'] = path;
    }
  });
});
