import { beforeEach, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { chromiumExecutable, screenshot, seriousAccessibilityViolations } from './browser.js';
import { consoleInBrowser } from './console-suite.js';

const executable = chromiumExecutable();
if (executable === undefined) {
  process.stderr.write(
    '\n!! BROWSER TESTS SKIPPED (console pages): no Chromium found. sudo apt-get install -y chromium\n\n',
  );
}

interface CaseloadEntry {
  readonly caseRef: string;
  readonly stage?: string;
  readonly openedAt?: string;
}
interface CaseView {
  readonly caseRef: string;
  readonly stage: string;
  readonly access?: readonly { role: string; party: string; by: string; at: string }[];
}
interface PersonView {
  readonly version: number;
  readonly sections: {
    readonly identity?: { givenNames: string; familyName?: string };
    readonly birth?: { kind: string; date?: string };
    readonly nationality?: { nationalities: string[] };
    readonly language?: { languages: string[]; interpreterNeeded: boolean };
    readonly contact?: { safePhone: string };
  };
}

const danishDay = new Intl.DateTimeFormat('da-DK', {
  timeZone: 'Europe/Copenhagen',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

const CASE_PATH = /\/cases\/(PW-[0-9A-HJKMNP-TV-Z]{12})$/;

/**
 * The console's caseload, intake, access and directory pages (issue 15 item 6) in Debian's Chromium against
 * the real gateway and worker on the run's Temporal, Kafka and PostgreSQL: CMM opens a case with the person's
 * data through the intake form, sees a refusal next to its field, finds the case in its caseload by stage,
 * gives a police unit access to it and takes it back, and reads the agency directory; Danish and English;
 * axe-core's WCAG 2.1 AA checks on every page. Screenshots: `.test-data/screenshots/pages-*`.
 */
describe.skipIf(executable === undefined)(
  'the console’s caseload, intake, access and directory pages',
  () => {
    const suite = consoleInBrowser('console-pages', executable);
    const { e2e } = suite;
    const signIn = (role: string, org: string): Promise<void> => suite.signIn(role, org);
    let page: Page;
    /** The case CMM opens through the form (the later tests use it). */
    let caseRef: string;
    beforeEach(() => {
      page = suite.page();
    });

    const nav = (name: string): Locator =>
      page.getByRole('navigation').getByRole('link', { name, exact: true });

    /** What has the focus: its tag and text. */
    const focused = (): Promise<unknown> =>
      page.evaluate('[document.activeElement?.tagName, document.activeElement?.textContent]');

    const api = <T>(method: string, path: string, token = e2e.tokens.cmm) =>
      e2e.gateway.call<T>(method, path, { token });

    /** Until the read model lists the case in CMM's caseload (it follows the audit stream). */
    async function waitForListing(ref: string, stage: string): Promise<void> {
      const until = Date.now() + 30_000;
      for (;;) {
        const listed = await api<CaseloadEntry[]>('GET', `/cmm/cases?stage=${stage}&limit=200`);
        if (listed.body.some((entry) => entry.caseRef === ref)) return;
        if (Date.now() > until) throw new Error(`the read model never listed ${ref}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    it('opens a case with the person’s data through the intake form, checked field by field', async () => {
      await signIn('cmm', 'cmm');
      await nav('Opret sag').click();
      await page.getByRole('heading', { name: 'Opret en sag', level: 1 }).waitFor();
      // A new page: its heading has the focus (a screen reader announces it).
      expect(await focused()).toEqual(['H1', 'Opret en sag']);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // Sent empty: the required choices are named in the summary and next to their groups; nothing is sent.
      await page.getByLabel('Fornavne').fill('Ana3');
      await page.getByRole('button', { name: 'Opret sag', exact: true }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'Formularen kan ikke sendes' });
      await summary.waitFor();
      expect(await summary.textContent()).toContain(
        'Har personen lovligt ophold i Danmark? – Vælg en af mulighederne.',
      );
      const legalStay = page.getByRole('radiogroup', { name: /lovligt ophold/ });
      expect(await legalStay.getAttribute('aria-invalid')).toBe('true');
      expect(await legalStay.getByText('Vælg en af mulighederne.').count()).toBe(1);
      // A name with a digit: refused next to the field, as the API would (letters, spaces, hyphens, apostrophes).
      const given = page.getByLabel('Fornavne');
      expect(await given.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await given.getAttribute('aria-describedby')) ?? '';
      const errorId = describedBy.split(' ').find((id) => id.endsWith('-error')) ?? '';
      expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('Kun bogstaver');
      await screenshot(page, 'pages-01-intake-errors');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      // The summary's links lead to the fields.
      await summary.getByRole('link', { name: /^Fornavne/ }).click();
      expect(await page.evaluate('document.activeElement?.id')).toBe('intake-givenNames');

      await page.getByRole('radio', { name: 'Nej' }).check();
      await page.getByRole('radio', { name: 'Voksen' }).check();
      await given.fill('Ana María');
      await page.getByLabel('Efternavn').fill('Popescu');
      await page.getByRole('radio', { name: 'Kendt dato' }).check();
      await page.getByLabel('Fødselsdato', { exact: true }).fill('1990-04-02');
      await page.getByLabel('Statsborgerskaber').fill('rou');
      await page.getByLabel('Sprog', { exact: true }).fill('ro, en');
      await page.getByLabel('Har brug for tolk').check();
      await page.getByLabel('Sikkert telefonnummer').fill('+40 712 345 678');
      // A double click opens one case: one request, under an idempotency key made once for the form.
      const opens: (string | undefined)[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/cmm/cases') {
          opens.push(request.headers()['idempotency-key']);
        }
      });
      await page.getByRole('button', { name: 'Opret sag', exact: true }).dblclick();

      await page.waitForURL(CASE_PATH);
      expect(opens).toHaveLength(1);
      expect(opens[0]).toMatch(/^[0-9a-f-]{36}$/);
      const ref = CASE_PATH.exec(new URL(page.url()).pathname)?.[1];
      if (ref === undefined) throw new Error(`not a case page: ${page.url()}`);
      caseRef = ref;
      await page.getByRole('heading', { name: `Sag ${caseRef}`, level: 1 }).waitFor();
      // The person's data went to the case, never into the address.
      expect(page.url()).not.toMatch(/Ana|Popescu|ROU|4071/i);
      const person = await api<PersonView>('GET', `/cmm/cases/${caseRef}/person`);
      expect(person.status).toBe(200);
      expect(person.body.sections).toEqual({
        identity: { givenNames: 'Ana María', familyName: 'Popescu' },
        birth: { kind: 'exact', date: '1990-04-02' },
        nationality: { nationalities: ['ROU'] },
        language: { languages: ['ro', 'en'], interpreterNeeded: true },
        contact: { safePhone: '+40712345678' },
      });
      const view = await api<CaseView>('GET', `/cmm/cases/${caseRef}`);
      expect(view.body.stage).toBe('referred');
    });

    it('shows a refusal of the API next to its field, keeps the form, and opens once it is corrected', async () => {
      await signIn('cmm', 'cmm');
      await nav('Opret sag').click();
      await page.getByRole('heading', { name: 'Opret en sag', level: 1 }).waitFor();
      // Asylum screening is DIS's (or the Red Cross's for unaccompanied minors): the API refuses CMM (R3).
      await page.getByRole('radio', { name: 'Asylscreening' }).check();
      await page.getByRole('radio', { name: 'Nej' }).check();
      await page.getByRole('radio', { name: 'Voksen' }).check();
      await page.getByLabel('Fornavne').fill('Mihai');
      await page.getByRole('button', { name: 'Opret sag', exact: true }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'Sagen blev ikke oprettet' });
      await summary.waitFor();
      expect(await summary.textContent()).toContain('Afvist efter regel R3.');
      const channel = page.getByRole('radiogroup', { name: /Kanal/ });
      expect(await channel.getAttribute('aria-invalid')).toBe('true');
      expect(await channel.locator('.field-error').textContent()).toContain('asylum screening is done by');
      // Nothing was lost.
      expect(await page.getByRole('radio', { name: 'Asylscreening' }).isChecked()).toBe(true);
      expect(await page.getByLabel('Fornavne').inputValue()).toBe('Mihai');
      expect(page.url()).toBe(`${e2e.gateway.baseUrl}/intake`);
      await screenshot(page, 'pages-02-intake-refused');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      // Corrected, the same form opens the case (a fresh idempotency key: the refused request changed nothing).
      await page.getByRole('radio', { name: 'Første møde' }).check();
      await page.getByRole('button', { name: 'Opret sag', exact: true }).click();
      await page.waitForURL(CASE_PATH);
    });

    it('says so when the case opened but the person’s data was refused, and saves it on a retry', async () => {
      await signIn('cmm', 'cmm');
      await nav('Opret sag').click();
      await page.getByRole('heading', { name: 'Opret en sag', level: 1 }).waitFor();
      await page.getByRole('radio', { name: 'Ja' }).check();
      await page.getByRole('radio', { name: 'Ikke afklaret' }).check();
      await page.getByLabel('Fornavne').fill('Elena');
      // The first record of the person is altered on its way so that the API refuses it field by field (as
      // it would a form the console had not checked); the case itself opens.
      const person = '**/cmm/cases/*/person';
      await page.route(person, async (route) => {
        const request = route.request();
        if (request.method() !== 'PATCH') return route.continue();
        const body = JSON.parse(request.postData() ?? '{}') as { identity?: { givenNames?: string } };
        await route.continue({
          postData: JSON.stringify({ ...body, identity: { ...body.identity, givenNames: 'Elena3' } }),
        });
      });
      await page.getByRole('button', { name: 'Opret sag', exact: true }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'men personoplysningerne blev ikke gemt' });
      await summary.waitFor();
      const ref = /Sagen (PW-[0-9A-Z]{12}) er oprettet/.exec((await summary.textContent()) ?? '')?.[1] ?? '';
      expect(ref).toMatch(/^PW-/);
      // The API's reason next to its field (its pointer /identity/givenNames), and a way on without the data.
      const given = page.getByLabel('Fornavne');
      expect(await given.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#intake-givenNames-error').textContent()).toContain('letters');
      expect(await summary.getByRole('link', { name: `Gå til sag ${ref}` }).count()).toBe(1);
      // The referral is sent: its fields are locked; the button now saves the person's data only.
      expect(await page.getByRole('radio', { name: 'Ja' }).isDisabled()).toBe(true);
      expect(page.url()).toBe(`${e2e.gateway.baseUrl}/intake`);
      await screenshot(page, 'pages-02b-intake-person-failed');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.unroute(person);
      await page.getByRole('button', { name: 'Gem personoplysningerne igen' }).click();
      await page.waitForURL(new RegExp(`/cases/${ref}$`));
      const recorded = await api<PersonView>('GET', `/cmm/cases/${ref}/person`);
      expect(recorded.body.sections.identity).toEqual({ givenNames: 'Elena' });
    });

    it('lists the case in the caseload, counts it by stage, and filters by a stage', async () => {
      await waitForListing(caseRef, 'referred');
      await signIn('cmm', 'cmm');
      await nav('Sager').click();
      await page.getByRole('heading', { name: 'Sager', level: 1 }).waitFor();
      expect(await focused()).toEqual(['H1', 'Sager']);
      const counts = await api<{ total: number; stages: Record<string, number> }>('GET', '/cmm/caseload');
      const referred = page.getByRole('button', { name: /^Henvist \d+$/ });
      await referred.waitFor();
      expect(await referred.locator('.count').textContent()).toBe(String(counts.body.stages['referred']));
      expect(await page.getByRole('button', { name: /^Alle faser/ }).getAttribute('aria-pressed')).toBe(
        'true',
      );
      await referred.click();
      expect(await referred.getAttribute('aria-pressed')).toBe('true');
      await page.getByText('Viser fasen Henvist').waitFor();
      const row = page.getByRole('row').filter({ hasText: caseRef });
      await row.waitFor();
      const listed = await api<CaseloadEntry[]>('GET', '/cmm/cases?stage=referred&limit=200');
      const entry = listed.body.find((e) => e.caseRef === caseRef);
      expect(await row.locator('td').first().textContent()).toBe('Henvist');
      expect(await row.locator('time').first().textContent()).toBe(
        danishDay.format(new Date(entry?.openedAt ?? '')),
      );
      // Every row shown is in the stage chosen.
      const stages = await page.locator('table.cases tbody tr td:first-of-type').allTextContents();
      expect(stages.every((stage) => stage === 'Henvist')).toBe(true);
      await screenshot(page, 'pages-03-caseload-da');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      // The row leads to the case page.
      await row.getByRole('link', { name: caseRef, exact: true }).click();
      await page.getByRole('heading', { name: `Sag ${caseRef}`, level: 1 }).waitFor();
    });

    it('switches the caseload and the intake form to English', async () => {
      await signIn('cmm', 'cmm');
      await nav('Sager').click();
      await page.getByRole('heading', { name: 'Sager', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.getByRole('button', { name: /^Referred \d+$/ }).waitFor();
      expect(await nav('Open a case').count()).toBe(1);
      await screenshot(page, 'pages-04-caseload-en');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await nav('Open a case').click();
      await page.getByRole('heading', { name: 'Open a case', level: 1 }).waitFor();
      expect(await page.getByLabel('Given names').count()).toBe(1);
      await page.getByRole('button', { name: 'Open the case' }).click();
      await page.getByRole('alert').filter({ hasText: 'The form cannot be sent' }).waitFor();
      expect(await page.getByText('Choose one of the options.').count()).toBeGreaterThan(0);
      await screenshot(page, 'pages-05-intake-en');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    });

    it('gives a police unit access to the case and takes it back, with a confirmation', async () => {
      const police = (): Promise<number> =>
        api('GET', `/police/cases/${caseRef}`, e2e.tokens.police).then((answer) => answer.status);
      expect(await police()).toBe(404);
      await waitForListing(caseRef, 'referred');
      await signIn('cmm', 'cmm');
      await nav('Sager').click();
      await page.getByRole('button', { name: /^Henvist \d+$/ }).click();
      await page.getByRole('link', { name: `Adgang til sag ${caseRef}` }).click();
      await page.getByRole('heading', { name: `Adgang til sag ${caseRef}`, level: 1 }).waitFor();
      const panel = page.getByRole('region', { name: 'Adgang til sagen' });
      await panel.waitFor();

      // A party that is no organisation code: refused next to the field before anything is sent.
      await panel.getByLabel('Rolle').selectOption('police');
      const party = panel.getByLabel('Organisation');
      await party.fill('Politi Enhed');
      await panel.getByRole('button', { name: 'Giv adgang' }).click();
      expect(await party.getAttribute('aria-invalid')).toBe('true');
      expect(await panel.locator('.field-error').textContent()).toContain('Små bogstaver');

      await party.fill(e2e.unit);
      await panel.getByRole('button', { name: 'Giv adgang' }).click();
      await panel.getByText(`Politiet (${e2e.unit}) har nu adgang.`).waitFor();
      const row = panel.getByRole('row').filter({ hasText: e2e.unit });
      await row.waitFor();
      expect(await row.getByRole('rowheader').textContent()).toBe('Politiet');
      expect(await row.textContent()).toContain('Center mod Menneskehandel (CMM)');
      expect(await row.locator('time').textContent()).toBe(danishDay.format(new Date()));
      expect(await police()).toBe(200);
      const view = await api<CaseView>('GET', `/cmm/cases/${caseRef}`);
      expect(view.body.access?.some((g) => g.role === 'police' && g.party === e2e.unit)).toBe(true);
      await screenshot(page, 'pages-06-access-granted');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // Withdrawn: the button asks first (the focus on its confirmation); cancelling changes nothing.
      await row.getByRole('button', { name: `Fjern adgang for Politiet (${e2e.unit})` }).click();
      const confirm = row.getByRole('group', { name: /Fjern adgangen for Politiet/ });
      await confirm.waitFor();
      expect(await focused()).toEqual(['BUTTON', 'Ja, fjern adgangen']);
      await screenshot(page, 'pages-07-access-confirm');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await confirm.getByRole('button', { name: 'Annuller' }).click();
      expect(await police()).toBe(200);
      await row.getByRole('button', { name: `Fjern adgang for Politiet (${e2e.unit})` }).click();
      await row.getByRole('button', { name: 'Ja, fjern adgangen' }).click();
      await panel.getByText(`Adgangen for Politiet (${e2e.unit}) er fjernet.`).waitFor();
      await row.waitFor({ state: 'detached' });
      expect(await police()).toBe(404);
    });

    it('shows the agency directory, searchable by a text', async () => {
      await signIn('cmm', 'cmm');
      await nav('Myndigheder').click();
      await page.getByRole('heading', { name: 'Myndigheder og organisationer', level: 1 }).waitFor();
      expect(await focused()).toEqual(['H1', 'Myndigheder og organisationer']);
      const agencies = page.locator('li.agency');
      await agencies.first().waitFor();
      const all = await agencies.count();
      expect(all).toBeGreaterThan(5);
      const cmm = agencies.filter({
        has: page.getByRole('heading', { name: 'Center mod Menneskehandel (CMM)' }),
      });
      expect(await cmm.getByRole('link', { name: '+45 70 20 25 50' }).getAttribute('href')).toBe(
        'tel:+4570202550',
      );
      await screenshot(page, 'pages-08-directory');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.getByRole('searchbox', { name: 'Søg' }).fill('NEC');
      await page.getByText(`1 af ${all} myndigheder`).waitFor();
      expect(await agencies.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Politiet']);
      await page.getByRole('searchbox', { name: 'Søg' }).fill('ingen-sådan-myndighed');
      await page.getByText('Ingen myndigheder matcher søgningen.').waitFor();
    });

    it('opens a case with the keyboard alone', async () => {
      await signIn('cmm', 'cmm');
      const active = (): Promise<unknown> =>
        page.evaluate(
          '[document.activeElement?.tagName, document.activeElement?.id, document.activeElement?.textContent]',
        );
      /** Presses `key` until the focus is on an element whose id or text is `target` (at most `max` times). */
      const pressUntil = async (key: string, target: string, max = 30): Promise<void> => {
        for (let presses = 0; presses < max; presses += 1) {
          const [, id, text] = (await active()) as [string, string, string];
          if (id === target || text === target) return;
          await page.keyboard.press(key);
        }
        throw new Error(`never reached ${target} with ${key}: ${JSON.stringify(await active())}`);
      };
      // From the board's heading back to the navigation, and on to the intake page.
      await pressUntil('Shift+Tab', 'Opret sag');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Opret en sag', level: 1 }).waitFor();
      expect(await focused()).toEqual(['H1', 'Opret en sag']);
      // Radio groups: Tab enters a group, Space chooses; arrows move within it.
      await pressUntil('Tab', 'intake-hasLegalStay-yes');
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: 'Nej' }).isChecked()).toBe(true);
      await pressUntil('Tab', 'intake-age-adult');
      await page.keyboard.press('Space');
      expect(await page.getByRole('radio', { name: 'Voksen' }).isChecked()).toBe(true);
      await pressUntil('Tab', 'intake-unaccompanied');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      expect(await page.getByLabel('Personen har søgt asyl').isChecked()).toBe(true);
      await pressUntil('Tab', 'intake-givenNames');
      await page.keyboard.type('Dana');
      // Enter in a field sends the form.
      await page.keyboard.press('Enter');
      await page.waitForURL(CASE_PATH);
      await page.getByRole('heading', { name: /^Sag PW-/, level: 1 }).waitFor();
      expect(((await focused()) as string[])[0]).toBe('H1');
    });

    it('offers the intake form only to the roles that open cases', async () => {
      await signIn('iom', 'iom-dk');
      await nav('Sager').waitFor();
      expect(await nav('Opret sag').count()).toBe(0);
      expect(await nav('Myndigheder').count()).toBe(1);
      // The address typed anyway (in-page, a reload would sign out): it says who opens cases.
      await page.evaluate(
        "history.pushState(null, '', '/intake'); dispatchEvent(new PopStateEvent('popstate'))",
      );
      await page.getByRole('heading', { name: 'Opret en sag', level: 1 }).waitFor();
      expect(await page.getByText('IOM opretter ikke sager').count()).toBe(1);
      expect(await page.locator('form').count()).toBe(0);
    });
  },
);
