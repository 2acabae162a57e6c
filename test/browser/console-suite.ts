import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConsoleIfStale } from '../../scripts/build-console.js';
import { e2eSystem, type E2eSystem } from '../support/e2e-system.js';
import { launchChromium } from './browser.js';

export interface ConsoleSuite {
  /** The real gateway and worker on the run's servers, with this file's tokens and police unit. */
  readonly e2e: E2eSystem;
  /** This test's page: a fresh browser context per test (Danish, Copenhagen), closed after it. */
  page(): Page;
  /** Signs in through the local sign-in page and waits for the deadlines board. */
  signIn(role: string, org: string): Promise<void>;
}

/**
 * The frame of a browser test file, registered in the calling `describe`: the console built (before the
 * gateway starts: it serves the build it finds), the real system, one Chromium for the file and a fresh
 * context for each test.
 */
export function consoleInBrowser(name: string, executable: string | undefined): ConsoleSuite {
  beforeAll(async () => {
    await buildConsoleIfStale((line) => {
      process.stdout.write(`[console] ${line}\n`);
    });
  }, 180_000);
  const e2e = e2eSystem(name);
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchChromium(executable ?? '');
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (browser === undefined) throw new Error('no browser');
    context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });
  const current = (): Page => {
    if (page === undefined) throw new Error('no page outside a test');
    return page;
  };
  return {
    e2e,
    page: current,
    signIn: async (role, org) => {
      const at = current();
      await at.goto(e2e.gateway.baseUrl);
      await at.getByLabel('Rolle').selectOption(role);
      await at.getByLabel('Organisation').fill(org);
      await at.getByRole('button', { name: 'Log ind' }).click();
      await at.getByRole('heading', { name: 'Frister', level: 1 }).waitFor();
    },
  };
}
