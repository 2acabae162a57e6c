import { chromiumExecutable, launchChromium } from '../../test/browser/browser.js';
import { percentile } from './figures.js';

export interface ConsoleTimings {
  /** From "Log ind" to the deadlines board's first row drawn (the token, the listing, the page), p50 ms. */
  readonly board: number;
  /** From following a case's address to its picture and first act form drawn (a case not viewed before), p50 ms. */
  readonly casePage: number;
}

/**
 * Issue 15 item 11: the console's board and case page, usable (content drawn) in Debian's Chromium against
 * the running gateway, `samples` times each in a fresh browser context (nothing cached). Undefined when no
 * Chromium is installed. Figures only.
 */
export async function consoleTimings(
  baseUrl: string,
  caseRef: () => string,
  samples = 10,
): Promise<ConsoleTimings | undefined> {
  const executable = chromiumExecutable();
  if (executable === undefined) return undefined;
  const browser = await launchChromium(executable);
  const board: number[] = [];
  const casePage: number[] = [];
  try {
    for (let i = 0; i < samples; i += 1) {
      const context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
      const page = await context.newPage();
      try {
        await page.goto(baseUrl);
        await page.getByLabel('Rolle').selectOption('cmm');
        await page.getByLabel('Organisation').fill('cmm');
        const signIn = performance.now();
        await page.getByRole('button', { name: 'Log ind' }).click();
        await page.locator('table.deadlines tbody tr').first().waitFor();
        board.push(performance.now() - signIn);
        const ref = caseRef();
        const follow = performance.now();
        await page.evaluate(
          `history.pushState({}, '', '/cases/${ref}'); dispatchEvent(new PopStateEvent('popstate'))`,
        );
        await page.locator('figure.case-picture svg').waitFor();
        await page.locator('form.act').first().waitFor();
        casePage.push(performance.now() - follow);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  const p50 = (values: number[]) =>
    percentile(
      values.sort((a, b) => a - b),
      50,
    );
  return { board: p50(board), casePage: p50(casePage) };
}
