import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConsoleIfStale } from '../../scripts/build-console.js';
import { e2eSystem } from '../support/e2e-system.js';
import {
  SCREENSHOTS_DIR,
  chromiumExecutable,
  launchChromium,
  screenshot,
  seriousAccessibilityViolations,
} from './browser.js';

const executable = chromiumExecutable();
if (executable === undefined) {
  process.stderr.write(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '!! BROWSER TESTS SKIPPED: no Chromium found (chromium, chromium-browser, google-chrome, or',
      '!! CHROMIUM_PATH). Install Debian’s: sudo apt-get install -y chromium  (.ci/run installs it).',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
}

interface DeadlineEntry {
  readonly caseRef: string;
  readonly deadline: { readonly kind: string; readonly dueAt: string };
}

const danishDate = new Intl.DateTimeFormat('da-DK', {
  timeZone: 'Europe/Copenhagen',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const englishDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Copenhagen',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/**
 * The caseworker console (ADR 0018, issue 15 phase 1) in a real browser — Debian's Chromium driven by
 * playwright-core — against the real gateway and worker on the run's Temporal, Kafka and PostgreSQL: the
 * local sign-in, the deadlines board of a case opened through the API, Danish and English, sign-out, an
 * expired session, keyboard-only use and axe-core's WCAG 2.1 AA checks. Screenshots: `.test-data/screenshots`.
 */
describe.skipIf(executable === undefined)('the caseworker console in a real browser', () => {
  // Before the gateway starts: it serves the build it finds (dist/console).
  beforeAll(async () => {
    await buildConsoleIfStale((line) => {
      process.stdout.write(`[console] ${line}\n`);
    });
  }, 180_000);
  const e2e = e2eSystem('console-browser');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let caseRef: string;
  let dueAt: string;
  const opened: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(executable ?? '');
    caseRef = await identifiedCase();
    const mine = (await waitForListing(1)).find((entry) => entry.caseRef === caseRef);
    if (mine === undefined) throw new Error(`the read model never listed ${caseRef}`);
    dueAt = mine.deadline.dueAt;
  }, 120_000);

  /** A case with a deadline CMM must meet: identified by DIS, its 30-day reflection period runs (R4). */
  async function identifiedCase(): Promise<string> {
    const { gateway, tokens } = e2e;
    const referral = { facts: { hasLegalStay: false, age: 'adult' } };
    const ref = (await gateway.open(tokens.cmm, 'cmm', referral)).caseRef;
    opened.push(ref);
    for (const [role, token, act, body] of [
      ['cmm', tokens.cmm, 'recordInterview', {}],
      ['cmm', tokens.cmm, 'submitForIdentification', {}],
      ['dis', tokens.dis, 'decideIdentification', { outcome: 'identified' }],
    ] as const) {
      const answer = await gateway.act(token, role, ref, act, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    return ref;
  }

  /**
   * The board reads the read model, which follows the audit stream: waits until CMM's listing holds the
   * reflection-period deadlines of at least `count` of this file's cases, and returns it.
   */
  async function waitForListing(count: number): Promise<DeadlineEntry[]> {
    const until = Date.now() + 30_000;
    for (;;) {
      const listed = await e2e.gateway.call<DeadlineEntry[]>(
        'GET',
        '/cmm/deadlines?days=45&kind=reflection-period-end&limit=200',
        { token: e2e.tokens.cmm },
      );
      if (listed.body.filter((entry) => opened.includes(entry.caseRef)).length >= count) return listed.body;
      if (Date.now() > until) throw new Error(`the read model never listed ${count} of ${opened.join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  const signIn = async (role: string, org: string): Promise<void> => {
    await page.goto(e2e.gateway.baseUrl);
    await page.getByLabel('Rolle').selectOption(role);
    await page.getByLabel('Organisation').fill(org);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('heading', { name: 'Frister', level: 1 }).waitFor();
  };

  /** Shows the case's reflection-period deadline (filters: that kind, 45 days), paging on until its row. */
  const showCaseRow = async () => {
    await page.getByLabel('Frist', { exact: true }).selectOption('reflection-period-end');
    await page.getByLabel('Inden for (dage)').fill('45');
    await page.getByRole('button', { name: 'Vis', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: caseRef });
    for (let pages = 0; pages < 40 && (await row.count()) === 0; pages += 1) {
      await page.locator('table.deadlines').waitFor();
      if ((await row.count()) > 0) break;
      const next = page.getByRole('button', { name: 'Næste side' });
      if ((await next.count()) === 0) break;
      await next.click();
      await page.waitForTimeout(200);
    }
    await row.waitFor();
    return row;
  };

  it('opens on the sign-in page, in Danish, with no serious accessibility violation', async () => {
    const response = await page.goto(e2e.gateway.baseUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    await screenshot(page, '01-sign-in');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('signs in as CMM and shows the case’s deadline on the board: what, a Danish date, how soon and why', async () => {
    await signIn('cmm', 'cmm');
    expect(await page.getByText('Logget ind som Center mod Menneskehandel (CMM) (cmm)').count()).toBe(1);
    const row = await showCaseRow();
    expect(await row.getByText('Refleksionsperioden udløber').count()).toBe(1);
    expect(await row.locator('time').textContent()).toBe(danishDate.format(new Date(dueAt)));
    expect(await row.locator('time').getAttribute('datetime')).toBe(dueAt);
    expect(await row.textContent()).toMatch(/om (29|30|31) dage/);
    expect(await row.textContent()).toContain('Regel R4');
    // Why, in Danish from the explanation's parts; the API's own sentence (English) under "Regelgrundlag".
    expect(await row.locator('.why-text').textContent()).toMatch(
      /^30 dage fra \d{1,2}\. [a-zæøå]+ \d{4} \(R4\); højst 120 dage i alt \(R5\), senest \d{1,2}\. [a-zæøå]+ \d{4}\.$/,
    );
    await row.getByText('Regelgrundlag').click();
    expect(await row.locator('details p').textContent()).toContain('reflection-period-end');
    expect(await page.getByRole('heading', { name: 'Åbne sager pr. fase' }).count()).toBe(1);
    await screenshot(page, '02-deadlines-board-da');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('pages through the board with the API’s next-page cursor, and back to the first page', async () => {
    // More reflection-period deadlines than a page of 10 holds (the run's other cases may add to them).
    await Promise.all(Array.from({ length: 10 }, () => identifiedCase()));
    await waitForListing(11);
    await signIn('cmm', 'cmm');
    await page.getByLabel('Frist', { exact: true }).selectOption('reflection-period-end');
    await page.getByLabel('Inden for (dage)').fill('45');
    await page.getByLabel('Pr. side').selectOption('10');
    await page.getByRole('button', { name: 'Vis', exact: true }).click();
    const rows = page.locator('table.deadlines tbody tr');
    const refsShown = (): Promise<string[]> =>
      page.locator('table.deadlines tbody th code').allTextContents();
    // The board keeps the rows last shown until the next answer comes: wait for the answer, not a row.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(10);
    const first = await refsShown();
    await page.getByRole('button', { name: 'Næste side' }).click();
    await page.getByText('Side 2', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Første side' }).waitFor();
    await expect
      .poll(async () => (await refsShown()).filter((ref) => first.includes(ref)), { timeout: 15_000 })
      .toEqual([]);
    expect((await refsShown()).length).toBeGreaterThan(0);
    await screenshot(page, '06-deadlines-board-page-2');
    await page.getByRole('button', { name: 'Første side' }).click();
    await page.getByText('Side 1', { exact: true }).waitFor();
    await expect.poll(refsShown, { timeout: 15_000 }).toEqual(first);
  });

  it('switches to English and back: texts, dates and the page’s lang change', async () => {
    await signIn('cmm', 'cmm');
    const row = await showCaseRow();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Deadlines', level: 1 }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await row.locator('time').textContent()).toBe(englishDate.format(new Date(dueAt)));
    expect(await row.textContent()).toMatch(/in (29|30|31) days/);
    expect(await row.getByText('Reflection period ends').count()).toBe(1);
    expect(await row.locator('.why-text').textContent()).toMatch(
      /^30 days from \d{1,2} [A-Z][a-z]+ \d{4} \(R4\)/,
    );
    await screenshot(page, '03-deadlines-board-en');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Dansk' }).click();
    await page.getByRole('heading', { name: 'Frister', level: 1 }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('da');
  });

  it('says so when the session has ended, keeps the page, and resumes after signing in again', async () => {
    await signIn('cmm', 'cmm');
    await showCaseRow();
    // The gateway refuses an expired token (401 TOKEN_EXPIRED): the console's next call carries one.
    const now = Math.floor(Date.now() / 1000);
    const expired = await e2e.gateway.sign(
      { role: 'cmm', org: 'cmm', sub: 'cmm-console-test' },
      { issuedAt: now - 3600, expiresAt: now - 600 },
    );
    let refused = 0;
    await page.route('**/cmm/deadlines?**', async (route) => {
      const answer = await route.fetch({
        headers: { ...route.request().headers(), authorization: `Bearer ${expired}` },
      });
      if (answer.status() === 401) refused += 1;
      await route.fulfill({ response: answer });
    });
    await page.getByLabel('Inden for (dage)').fill('46');
    await page.getByRole('button', { name: 'Vis', exact: true }).click();
    const notice = page.getByRole('alertdialog');
    await notice.waitFor();
    expect(refused).toBeGreaterThan(0);
    expect(await notice.textContent()).toContain('Din session er udløbet');
    // The page under it is kept as it was (the filters as set, the rows last seen), inert until then.
    expect(await page.getByLabel('Inden for (dage)').inputValue()).toBe('46');
    expect(await page.locator('main tr', { hasText: caseRef }).count()).toBe(1);
    expect(await page.getAttribute('main', 'aria-hidden')).toBe('true');
    await screenshot(page, '04-session-ended');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.unroute('**/cmm/deadlines?**');
    await notice.getByRole('button', { name: 'Log ind' }).click();
    await notice.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: caseRef }).waitFor();
    expect(await page.getByLabel('Inden for (dage)').inputValue()).toBe('46');
  });

  it('makes a calendar feed on the board: its address once, with the warning; it reads the case; revoked, it is gone', async () => {
    await signIn('cmm', 'cmm');
    const section = page.getByRole('region', { name: 'Kalenderabonnement' });
    await section.getByLabel('Navn på abonnementet (valgfrit)').fill('Browser');
    await section.getByRole('button', { name: 'Opret kalenderadresse' }).click();
    const address = section.getByLabel('Kalenderadresse', { exact: true });
    await address.waitFor();
    const url = await address.inputValue();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cmm\/deadlines\.ics\?token=[A-Za-z0-9_-]{43}$/);
    expect(await section.textContent()).toContain(
      'Alle, der har adressen, kan læse sagsnumrene og fristerne',
    );
    await section.getByRole('button', { name: 'Kopiér adressen' }).click();
    await section.getByText(/Adressen er kopieret|Kunne ikke kopiere/).waitFor();
    await section.getByRole('listitem').filter({ hasText: 'Browser' }).waitFor();
    await screenshot(page, '07-calendar-feed-created');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // What a calendar client gets: no bearer header, the case's deadline.
    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await feed.text()).toContain(caseRef);

    const revoke = section.getByRole('button', { name: 'Tilbagekald kalenderadressen Browser' });
    await revoke.first().click();
    await section.getByText('Kalenderadressen er tilbagekaldt og virker ikke længere.').waitFor();
    expect(await section.getByLabel('Kalenderadresse', { exact: true }).count()).toBe(0);
    expect((await fetch(url)).status).toBe(404);
  });

  it('signs out: back to the sign-in page, and nothing of the session is left in storage or the URL', async () => {
    await signIn('cmm', 'cmm');
    expect(page.url()).toBe(`${e2e.gateway.baseUrl}/`);
    const stored = await page.evaluate(
      '[localStorage.length, sessionStorage.length, document.cookie.length, location.href.includes("ey")]',
    );
    expect(stored).toEqual([0, 0, 0, false]);
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Du er logget ud.');
    await screenshot(page, '05-signed-out');
  });

  it('refuses an unknown organisation code on the sign-in page with the gateway’s reason', async () => {
    await page.goto(e2e.gateway.baseUrl);
    await page.getByLabel('Organisation').fill('Ana');
    // The browser's own check would stop the form first: submit through the API's answer instead.
    await page.evaluate('document.querySelector("form.sign-in").noValidate = true');
    await page.getByRole('button', { name: 'Log ind' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Indlogningen mislykkedes');
    expect(await alert.textContent()).toContain('lower-case letters');
  });

  it('signs in with the keyboard alone', async () => {
    await page.goto(e2e.gateway.baseUrl);
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    const focused = (): Promise<unknown> =>
      page.evaluate('[document.activeElement?.tagName, document.activeElement?.textContent]');
    for (let presses = 0; presses < 10; presses += 1) {
      await page.keyboard.press('Tab');
      const [tag, text] = (await focused()) as [string, string];
      if (tag === 'BUTTON' && text === 'Log ind') break;
    }
    expect(await focused()).toEqual(['BUTTON', 'Log ind']);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Frister', level: 1 }).waitFor();
    // The new page's heading has the focus (a screen reader announces it); the filters come next.
    expect(await focused()).toEqual(['H1', 'Frister']);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.labels?.[0]?.textContent')).toBe('Fase');
    // The first stop of a page is the skip link, which leads to the content.
    await page.goto(e2e.gateway.baseUrl);
    await page.getByRole('heading', { name: 'Log ind', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual(['A', 'Gå til indhold']);
    process.stdout.write(`screenshots in ${SCREENSHOTS_DIR}\n`);
  });
});
