import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { it } from 'vitest';
import { seconds } from '../test/drill/drill-stack.js';
import { startDeployedStack } from './support/deployed-apps.js';
import { histogramQuantile, scrapeHistogram, type Histogram } from './support/prometheus-histogram.js';
import { consoleTimings } from './support/console-timing.js';
import { percentile, runLanes } from './support/figures.js';

/**
 * Issue 14's caseload at scale: cases opened and identified over HTTP until they are all in the reflection
 * period, on servers of the benchmark's own and the apps as production runs them (built, each its own
 * process). At 1 000 cases and again at the full count (BENCH_CASES, 1 000 in `npm run bench`; 10 000 on
 * demand: `BENCH_CASES=10000 npm run bench -- bench/caseload-scale.bench.ts`), it prints:
 *   - the worker's and the gateway's resident memory;
 *   - "my deadlines in the next 7 days" (and the next 30, a full page), a case view, a caseload page: p50;
 *   - the read model's projection lag p99 while the cases were loaded (its own histogram);
 *   - each figure's growth from 1 000 to the full count.
 * Figures only; nothing is asserted.
 */
const TOTAL = Number(process.env['BENCH_CASES'] ?? 1000);
const CHECKPOINT = Math.min(1000, TOTAL);
const LANES = Number(process.env['BENCH_LANES'] ?? 8);
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 100);

interface Figures {
  readonly cases: number;
  readonly workerRssMb: number;
  readonly gatewayRssMb: number;
  readonly deadlines7: number;
  readonly deadlines30: number;
  readonly caseView: number;
  readonly caseViewWarm: number;
  readonly caseloadPage: number;
  readonly caseloadNextPage: number;
  readonly lagP99: number;
  readonly loadRate: number;
  readonly consoleBoard: number;
  readonly consoleCasePage: number;
}

async function rssMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

it(`${TOTAL} open cases in the reflection period`, { timeout: 7_200_000 }, async () => {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const started = performance.now();
  const stack = await startDeployedStack(`scale-${Date.now()}`, log);
  try {
    log(`[scale] servers and apps up in ${seconds(started)}`);
    const tokens = {
      cmm: await stack.token('cmm', 'cmm'),
      dis: await stack.token('dis', 'dis'),
    };
    let retries = 0;
    const call = async (
      method: 'GET' | 'POST',
      path: string,
      token: string,
      body?: unknown,
    ): Promise<{ status: number; body: unknown; link: string | null }> => {
      // A well-behaved client: every change carries an Idempotency-Key, and a 503 is retried with it.
      const key = method === 'POST' ? randomUUID() : undefined;
      for (let attempt = 0; ; attempt += 1) {
        const response = await fetch(`${stack.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key === undefined ? {} : { 'idempotency-key': key }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if (response.status === 503 && attempt < 20) {
          retries += 1;
          await delay(250);
          continue;
        }
        return {
          status: response.status,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
          link: response.headers.get('link'),
        };
      }
    };
    const timed = async (path: string, token: string): Promise<number> => {
      const at = performance.now();
      const answer = await call('GET', path, token);
      if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
      return performance.now() - at;
    };
    const p50 = async (paths: () => string, token: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i += 1) times.push(await timed(paths(), token));
      return percentile(
        times.sort((a, b) => a - b),
        50,
      );
    };

    const refs: string[] = [];
    let errors = 0;
    const must = (what: string, answer: { status: number; body: unknown }) => {
      if (answer.status < 200 || answer.status >= 300) {
        errors += 1;
        throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    const oneCase = async () => {
      const opened = await call('POST', '/cmm/cases', tokens.cmm, {
        facts: { hasLegalStay: false, age: 'adult' },
      });
      must('open', opened);
      const caseRef = (opened.body as { caseRef: string }).caseRef;
      must('interview', await call('POST', `/cmm/cases/${caseRef}/record-interview`, tokens.cmm, {}));
      must('submit', await call('POST', `/cmm/cases/${caseRef}/submit-for-identification`, tokens.cmm, {}));
      must(
        'decide',
        await call('POST', `/dis/cases/${caseRef}/decide-identification`, tokens.dis, {
          outcome: 'identified',
        }),
      );
      refs.push(caseRef);
    };
    const scrapeLag = async (): Promise<Histogram> =>
      scrapeHistogram(
        await (await fetch(`${stack.baseUrl}/metrics`)).text(),
        'gateway_read_model_lag_seconds',
      );
    const caughtUp = async () => {
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline) {
        const ready = (await (await fetch(`${stack.baseUrl}/health/ready`)).json()) as {
          readModel?: { lagEvents?: number };
        };
        if (ready.readModel?.lagEvents === 0) return;
        await delay(250);
      }
      throw new Error('the read model did not catch up in 5 minutes');
    };

    const load = async (count: number): Promise<{ rate: number; lag: Histogram }> => {
      const before = await scrapeLag();
      const at = performance.now();
      let next = 0;
      let reported = refs.length;
      await runLanes(LANES, async () => {
        while (next < count) {
          next += 1;
          await oneCase();
          if (refs.length - reported >= 500) {
            reported = refs.length;
            log(`[scale] ${refs.length} cases in the reflection period (${seconds(at)})`);
          }
        }
      });
      const rate = count / ((performance.now() - at) / 1000);
      await caughtUp();
      return { rate, lag: (await scrapeLag()).minus(before) };
    };
    const measure = async (loaded: { rate: number; lag: Histogram }): Promise<Figures> => {
      const pick = () => refs[Math.floor(Math.random() * refs.length)] ?? '';
      const recent = refs.slice(-20);
      let r = 0;
      const firstPage = await call('GET', '/cmm/cases?stage=reflection-period', tokens.cmm);
      const nextPage = /<([^>]+)>;\s*rel="next"/.exec(firstPage.link ?? '')?.[1] ?? '';
      const nextPath = nextPage.replace(/^https?:\/\/[^/]+/, '');
      const browser = await consoleTimings(stack.baseUrl, pick);
      return {
        cases: refs.length,
        workerRssMb: await rssMb(stack.pidOf('worker')),
        gatewayRssMb: await rssMb(stack.pidOf('gateway')),
        deadlines7: await p50(() => '/cmm/deadlines?days=7', tokens.cmm),
        deadlines30: await p50(() => '/cmm/deadlines?days=30', tokens.cmm),
        caseView: await p50(() => `/cmm/cases/${pick()}`, tokens.cmm),
        caseViewWarm: await p50(() => `/cmm/cases/${recent[r++ % recent.length] ?? ''}`, tokens.cmm),
        caseloadPage: await p50(() => '/cmm/cases?stage=reflection-period', tokens.cmm),
        caseloadNextPage: nextPath === '' ? Number.NaN : await p50(() => nextPath, tokens.cmm),
        lagP99: histogramQuantile(loaded.lag, 0.99) * 1000,
        loadRate: loaded.rate,
        consoleBoard: browser?.board ?? Number.NaN,
        consoleCasePage: browser?.casePage ?? Number.NaN,
      };
    };

    const first = await measure(await load(CHECKPOINT));
    // The checkpoint's figures at once (a long run may be cut short).
    log(`[scale] at ${first.cases} cases: ${JSON.stringify(first)}`);
    const full = TOTAL > CHECKPOINT ? await measure(await load(TOTAL - CHECKPOINT)) : first;
    const rows: [string, keyof Figures, string, number | undefined][] = [
      ['worker RSS', 'workerRssMb', 'MB', 300],
      ['gateway RSS', 'gatewayRssMb', 'MB', 250],
      ['my deadlines in the next 7 days, p50', 'deadlines7', 'ms', 50],
      ['my deadlines in the next 30 days (a full page), p50', 'deadlines30', 'ms', undefined],
      ['a case view (any case; stored view, ADR 0023), p50', 'caseView', 'ms', 30],
      ['a case view (a recently worked case), p50', 'caseViewWarm', 'ms', undefined],
      ['a caseload page (first), p50', 'caseloadPage', 'ms', 50],
      ['a caseload page (second, by cursor), p50', 'caseloadNextPage', 'ms', 50],
      ['projection lag while loading, p99', 'lagP99', 'ms', 1000],
      ['cases loaded per second (open + 3 acts)', 'loadRate', '/s', undefined],
      ['console: sign-in → the board drawn (Chromium), p50', 'consoleBoard', 'ms', 1000],
      ['console: a case page drawn (picture + acts), p50', 'consoleCasePage', 'ms', 1000],
    ];
    const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a').padStart(8);
    const lines = rows.map(([label, key, unit, target]) => {
      const a = first[key];
      const b = full[key];
      const verdict = target === undefined ? '' : b <= target ? '  met' : '  NOT met';
      return `  ${label.padEnd(54)} ${f(a)} ${f(b)} ${unit.padEnd(3)} ×${(b / a).toFixed(2).padEnd(6)} ${
        target === undefined ? '' : `target ≤ ${target} ${unit}`
      }${verdict}`;
    });
    log(
      [
        '',
        `caseload at scale: cases in the reflection period, ${LANES} lanes loading, ${SAMPLES} samples per query (apps built, each its own process; real Temporal dev server, Kafka and PostgreSQL)`,
        `  ${'figure'.padEnd(54)} ${String(first.cases).padStart(8)} ${String(full.cases).padStart(8)}     growth`,
        ...lines,
        `  HTTP errors while loading: ${errors} (503s retried with their key: ${retries}); worker restarts ${stack.crashes().worker}, gateway restarts ${stack.crashes().gateway}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stack.stop();
  }
});
