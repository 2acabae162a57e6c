/**
 * The fault drills of `npm run drill` (full) and of `npm test` (short), on one DrillStack. Each drill runs
 * with its own task queue and a fresh worker and gateway, while the driver makes acts on its cases; then it
 * lets deliveries settle, reads every topic from the beginning and Temporal's visibility, and reports.
 *
 * Every loop is bounded by a count and a time limit.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { TimelineEntry } from '../../libs/contracts/src/index.js';
import { DrillDriver, type HttpTally } from './drill-driver.js';
import {
  eventFigures,
  readAllCopies,
  workflowFigures,
  type EventFigures,
  type WorkflowFigures,
} from './drill-figures.js';
import type { DrillStack, Log } from './drill-stack.js';

export type DrillName = 'a' | 'b' | 'c' | 'd';

export interface DrillPlan {
  readonly form: 'short' | 'full';
  /** (a) worker `kill -9`s and the cases to act on meanwhile (at least). */
  readonly workerKills: number;
  readonly casesA: number;
  /** (b) Kafka stop/start cycles, and how long the broker stays down each time. */
  readonly kafkaRestarts: number;
  readonly kafkaDownMs: number;
  readonly casesB: number;
  /** (c) Temporal stops, in order (SIGTERM = graceful stop, SIGKILL = kill -9), and the down time. */
  readonly temporalStops: readonly ('SIGTERM' | 'SIGKILL')[];
  readonly temporalDownMs: number;
  readonly casesC: number;
  /** (d) cases driven while (and after) Kafka is down at the apps' first send; down time. */
  readonly casesD: number;
  readonly kafkaDownAtBootMs: number;
  readonly concurrency: number;
  /** Per drill: the acts stop after this long whatever the counts. */
  readonly actTimeLimitMs: number;
  /** After the acts: how long deliveries may take to settle, and how long without progress ends it. */
  readonly settleLimitMs: number;
  readonly settleQuietMs: number;
  readonly retryBudgetMs: number;
  readonly requestTimeoutMs: number;
}

export const SHORT_PLAN: DrillPlan = {
  form: 'short',
  workerKills: 2,
  casesA: 6,
  kafkaRestarts: 1,
  kafkaDownMs: 5_000,
  casesB: 4,
  temporalStops: ['SIGKILL'],
  temporalDownMs: 3_000,
  casesC: 4,
  casesD: 4,
  kafkaDownAtBootMs: 8_000,
  concurrency: 2,
  actTimeLimitMs: 90_000,
  settleLimitMs: 60_000,
  // Longer than a publish in flight on a killed worker takes to be retried (heartbeat timeout 10 s + backoff).
  settleQuietMs: 25_000,
  retryBudgetMs: 60_000,
  requestTimeoutMs: 35_000,
};

export const FULL_PLAN: DrillPlan = {
  form: 'full',
  workerKills: 10,
  casesA: 50,
  kafkaRestarts: 3,
  kafkaDownMs: 15_000,
  casesB: 24,
  temporalStops: ['SIGTERM', 'SIGKILL'],
  temporalDownMs: 8_000,
  casesC: 16,
  casesD: 12,
  kafkaDownAtBootMs: 15_000,
  concurrency: 4,
  actTimeLimitMs: 6 * 60_000,
  settleLimitMs: 120_000,
  settleQuietMs: 30_000,
  retryBudgetMs: 120_000,
  requestTimeoutMs: 35_000,
};

export const DRILL_TITLES: Readonly<Record<DrillName, string>> = {
  a: 'worker kill -9 during acts',
  b: 'Kafka stop/restart during acts',
  c: 'Temporal stop/restart during acts',
  d: 'Kafka down at first send',
};

export interface DrillResult {
  readonly name: DrillName;
  readonly title: string;
  readonly cases: number;
  /** Cases whose act sequence stopped on an answer that was not 2xx after the retries. */
  readonly casesStopped: number;
  readonly stoppedSamples: string[];
  /** What the fault loop did, e.g. "10 worker kill -9". */
  readonly faults: string;
  readonly events: EventFigures;
  readonly workflows: WorkflowFigures;
  /** Answers the gateway gave (its access record stored) and those whose record never reached the topic. */
  readonly access: { readonly expected: number; readonly missing: number; readonly missingSamples: string[] };
  /** Person records the gateway recorded, and those whose event never reached the audit topic. */
  readonly person: { readonly expected: number; readonly missing: number; readonly missingSamples: string[] };
  readonly http: HttpTally;
  readonly crashes: { worker: number; gateway: number };
  readonly seconds: number;
  /** Targets missed (empty = every target met). */
  readonly misses: string[];
}

interface FaultContext {
  readonly stack: DrillStack;
  readonly driver: DrillDriver;
  readonly plan: DrillPlan;
  readonly log: Log;
  /** True once the act time limit has passed: fault loops end early. */
  readonly late: () => boolean;
}

const random = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min));

/** Waits until the driver has finished `n` more requests, or `timeoutMs`. */
async function progress(ctx: FaultContext, n: number, timeoutMs: number): Promise<void> {
  const target = ctx.driver.http.completed + n;
  const deadline = Date.now() + timeoutMs;
  while (ctx.driver.http.completed < target && Date.now() < deadline && !ctx.late()) await delay(100);
}

async function workerKills(ctx: FaultContext): Promise<string> {
  let kills = 0;
  for (let i = 0; i < ctx.plan.workerKills && !ctx.late(); i += 1) {
    await progress(ctx, 3, 30_000);
    await delay(random(300, 1500));
    await ctx.stack.killApp('worker');
    kills += 1;
    ctx.log(`[drill a] worker kill -9 #${kills}`);
    await delay(random(300, 1500));
    await ctx.stack.startApp('worker');
  }
  return `${kills} worker kill -9`;
}

async function kafkaRestarts(ctx: FaultContext): Promise<string> {
  let restarts = 0;
  for (let i = 0; i < ctx.plan.kafkaRestarts && !ctx.late(); i += 1) {
    await progress(ctx, 4, 30_000);
    ctx.log(`[drill b] stopping Kafka (#${i + 1})`);
    await ctx.stack.stopKafka();
    await delay(ctx.plan.kafkaDownMs);
    await ctx.stack.startKafka();
    restarts += 1;
  }
  return `${restarts} Kafka restarts (${ctx.plan.kafkaDownMs / 1000} s down)`;
}

async function temporalRestarts(ctx: FaultContext): Promise<string> {
  const done: string[] = [];
  for (const how of ctx.plan.temporalStops) {
    if (ctx.late()) break;
    await progress(ctx, 4, 30_000);
    ctx.log(`[drill c] stopping Temporal with ${how}`);
    await ctx.stack.stopTemporal(how);
    await delay(ctx.plan.temporalDownMs);
    await ctx.stack.startTemporal();
    done.push(how === 'SIGKILL' ? 'kill -9' : 'SIGTERM');
  }
  return `Temporal ${done.join(' + ')} (${ctx.plan.temporalDownMs / 1000} s down)`;
}

async function kafkaDownAtBoot(ctx: FaultContext): Promise<string> {
  // The apps were started with Kafka down (see runDrill); acts meanwhile, then Kafka comes up.
  const started = Date.now();
  while (Date.now() - started < ctx.plan.kafkaDownAtBootMs && !ctx.late()) await delay(200);
  ctx.log('[drill d] starting Kafka');
  await ctx.stack.startKafka();
  return `Kafka down ${ctx.plan.kafkaDownAtBootMs / 1000} s from the apps' start`;
}

const FAULTS: Readonly<Record<DrillName, (ctx: FaultContext) => Promise<string>>> = {
  a: workerKills,
  b: kafkaRestarts,
  c: temporalRestarts,
  d: kafkaDownAtBoot,
};

function minCases(plan: DrillPlan, name: DrillName): number {
  switch (name) {
    case 'a':
      return plan.casesA;
    case 'b':
      return plan.casesB;
    case 'c':
      return plan.casesC;
    case 'd':
      return plan.casesD;
  }
}

/** Runs one drill on `stack` (both servers up on entry and on return). */
export async function runDrill(
  stack: DrillStack,
  name: DrillName,
  plan: DrillPlan,
  runId: string,
  log: Log,
): Promise<DrillResult> {
  const started = performance.now();
  const taskQueue = `drill-${runId}-${name}`;
  stack.useTaskQueue(taskQueue);
  stack.resetCrashes();
  log(`[drill ${name}] ${DRILL_TITLES[name]} (task queue ${taskQueue})`);
  if (name === 'd') {
    await stack.stopKafka();
    log('[drill d] Kafka stopped; starting a fresh worker and gateway');
  }
  await stack.startApp('worker');
  await stack.startApp('gateway');
  if (name === 'd') await stack.waitForGatewayListening(60_000);
  else if (!(await stack.waitForReady(90_000))) log(`[drill ${name}] gateway not ready after 90 s; going on`);

  const [police, cmm, dis] = await Promise.all([
    stack.token('police', 'nec'),
    stack.token('cmm', 'cmm'),
    stack.token('dis', 'dis'),
  ]);
  const driver = new DrillDriver({
    baseUrl: stack.baseUrl,
    requestTimeoutMs: plan.requestTimeoutMs,
    retryBudgetMs: plan.retryBudgetMs,
    tokens: { police, cmm, dis },
    keyPrefix: `drill-${runId}-${name}`,
    log,
  });
  const actsEnd = Date.now() + plan.actTimeLimitMs;
  const late = (): boolean => Date.now() > actsEnd;
  const wanted = minCases(plan, name);
  let faultsDone = false;
  const misses: string[] = [];
  const faultRun = FAULTS[name]({ stack, driver, plan, log, late }).then(
    (what) => what,
    (error: unknown) => {
      misses.push(
        `fault loop failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
      return 'fault loop failed';
    },
  );
  // Acts go on while the faults run (up to 3× the planned cases), and at least until the planned cases.
  const driving = driver.run(
    plan.concurrency,
    () => !late() && driver.cases.length < wanted * 3 && (!faultsDone || driver.cases.length < wanted),
  );
  const faults = await faultRun.finally(() => {
    faultsDone = true;
  });
  await driving;
  await ensureServers(stack, log);

  // Settle: every case's timeline, then read the topics until nothing is lost or nothing moves any more.
  const timelines = new Map<string, readonly TimelineEntry[]>();
  const refs = driver.refs();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async (_, lane) => {
      for (let i = lane; i < refs.length; i += plan.concurrency) {
        const ref = refs[i]!;
        const view = (await driver.view(ref)) as { timeline?: TimelineEntry[] } | undefined;
        timelines.set(ref, view?.timeline ?? []);
        if (view === undefined) misses.push(`no case view for ${ref}`);
      }
    }),
  );
  const settleEnd = Date.now() + plan.settleLimitMs;
  let events = eventFigures(timelines, []);
  let accessRecorded = new Set<string>();
  let personAnnounced = new Set<string>();
  let lastDelivered = -1;
  let lastMove = Date.now();
  for (;;) {
    const copies = await readAllCopies(stack.kafkaBrokers, 60_000).catch((error: unknown) => {
      log(`[drill ${name}] reading topics failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (copies !== undefined) {
      events = eventFigures(timelines, copies.copies);
      accessRecorded = copies.accessRequestIds;
      personAnnounced = copies.personChanged;
    }
    const accessMissing = driver.answeredRequestIds.filter((id) => !accessRecorded.has(id)).length;
    const personMissing = driver.personRecorded.filter((ref) => !personAnnounced.has(ref)).length;
    const delivered = events.delivered + accessRecorded.size + personAnnounced.size;
    if (delivered !== lastDelivered) {
      lastDelivered = delivered;
      lastMove = Date.now();
    }
    if (events.lost === 0 && events.unroutable === 0 && accessMissing === 0 && personMissing === 0) break;
    // Nothing to wait for when nothing can arrive any more: bounded by a quiet period and a limit.
    if (Date.now() > settleEnd || Date.now() - lastMove > plan.settleQuietMs) break;
    await delay(3_000);
  }
  const workflows = await workflowFigures(stack.temporalAddress, taskQueue, driver.refs());
  const crashes = stack.crashes();
  await stack.stopApps();

  const stopped = driver.cases.filter((c) => c.stoppedBy !== undefined);
  const accessMissing = driver.answeredRequestIds.filter((id) => !accessRecorded.has(id));
  const access = {
    expected: driver.answeredRequestIds.length,
    missing: accessMissing.length,
    missingSamples: accessMissing.slice(0, 5),
  };
  if (access.missing > 0) misses.push(`${access.missing} answers without an access record`);
  const personMissing = driver.personRecorded.filter((ref) => !personAnnounced.has(ref));
  const person = {
    expected: driver.personRecorded.length,
    missing: personMissing.length,
    missingSamples: personMissing.slice(0, 5),
  };
  if (person.missing > 0) misses.push(`${person.missing} person records without their event`);
  if (events.lost > 0) misses.push(`${events.lost} lost`);
  if (events.outOfOrder > 0) misses.push(`${events.outOfOrder} out of order`);
  if (events.unexpected > 0) misses.push(`${events.unexpected} agency copies the routing does not name`);
  if (workflows.failed > 0) misses.push(`${workflows.failed} failed workflows`);
  if (workflows.duplicateCases > 0) misses.push(`${workflows.duplicateCases} duplicate cases`);
  if (driver.http.serverErrorsBut503() > 0)
    misses.push(`${driver.http.serverErrorsBut503()} 5xx answers other than 503`);
  const counted = faultCount(name, faults);
  if (counted !== undefined && counted < requiredFaults(plan, name))
    misses.push(`only ${faults} (planned ${requiredFaults(plan, name)})`);
  if (driver.cases.length < wanted) misses.push(`only ${driver.cases.length} cases (planned ${wanted})`);

  return {
    name,
    title: DRILL_TITLES[name],
    cases: driver.cases.length,
    casesStopped: stopped.length,
    stoppedSamples: stopped
      .slice(0, 8)
      .map((c) => `${c.caseRef ?? `case #${c.index}`}: ${c.stoppedBy ?? ''}`),
    faults,
    events,
    workflows,
    access,
    person,
    http: driver.http,
    crashes,
    seconds: (performance.now() - started) / 1000,
    misses,
  };
}

function requiredFaults(plan: DrillPlan, name: DrillName): number {
  switch (name) {
    case 'a':
      return plan.workerKills;
    case 'b':
      return plan.kafkaRestarts;
    case 'c':
      return plan.temporalStops.length;
    case 'd':
      return 1;
  }
}

function faultCount(name: DrillName, faults: string): number | undefined {
  if (name === 'c') return faults.includes('+') ? 2 : /kill -9|SIGTERM/.test(faults) ? 1 : 0;
  if (name === 'd') return faults.startsWith('Kafka down') ? 1 : 0;
  const n = /^(\d+)/.exec(faults)?.[1];
  return n === undefined ? 0 : Number(n);
}

/** After a fault loop (even a failed one), both servers run again. */
async function ensureServers(stack: DrillStack, log: Log): Promise<void> {
  for (const [what, start] of [
    ['Kafka', () => stack.startKafka()],
    ['Temporal', () => stack.startTemporal()],
  ] as const) {
    await start().catch((error: unknown) => {
      log(`[drill] could not start ${what} again: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** Runs the drills in order on one stack; every drill's result, even when one fails to run. */
export async function runDrills(
  stack: DrillStack,
  plan: DrillPlan,
  names: readonly DrillName[],
  log: Log,
): Promise<DrillResult[]> {
  const runId = Date.now().toString(36);
  const results: DrillResult[] = [];
  for (const name of names) results.push(await runDrill(stack, name, plan, runId, log));
  return results;
}

/** The table `npm run drill` prints. */
export function formatResults(results: readonly DrillResult[]): string {
  const header = [
    'drill',
    'faults',
    'cases',
    'expected',
    'delivered',
    'twice',
    'lost',
    'order',
    'failed wf',
    'dup cases',
    'access records (missing)',
    'person events (missing)',
    'app crashes',
    'HTTP answers by status',
    'longest',
    'target',
  ];
  const rows = results.map((r) => [
    `${r.name} ${r.title}`,
    r.faults,
    String(r.cases),
    String(r.events.expected),
    String(r.events.delivered),
    String(r.events.twice),
    String(r.events.lost),
    String(r.events.outOfOrder),
    String(r.workflows.failed),
    String(r.workflows.duplicateCases),
    `${r.access.expected} (${r.access.missing})`,
    `${r.person.expected} (${r.person.missing})`,
    `w${r.crashes.worker} g${r.crashes.gateway}`,
    r.http.summary(),
    `${(r.http.maxMs / 1000).toFixed(1)} s`,
    r.misses.length === 0 ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  for (const r of results) {
    const details: string[] = [];
    if (r.misses.length > 0) details.push(`missed: ${r.misses.join('; ')}`);
    if (r.events.lostSamples.length > 0) details.push(`lost: ${r.events.lostSamples.join(', ')}`);
    if (r.events.unroutable > 0)
      details.push(`${r.events.unroutable} event(s) after a lost audit copy: only their audit copy checked`);
    if (r.events.outOfOrderSamples.length > 0)
      details.push(`out of order: ${r.events.outOfOrderSamples.join(', ')}`);
    if (r.events.unexpectedSamples.length > 0)
      details.push(`not routed there: ${r.events.unexpectedSamples.join(', ')}`);
    if (r.access.missingSamples.length > 0)
      details.push(`no access record: ${r.access.missingSamples.join(', ')}`);
    if (r.person.missingSamples.length > 0)
      details.push(`no person event: ${r.person.missingSamples.join(', ')}`);
    if (r.workflows.failedSamples.length > 0) details.push(`failed: ${r.workflows.failedSamples.join(', ')}`);
    if (r.workflows.missingCases > 0)
      details.push(`${r.workflows.missingCases} cases given without a workflow`);
    if (r.casesStopped > 0)
      details.push(`${r.casesStopped} case(s) stopped early: ${r.stoppedSamples.join(', ')}`);
    details.push(`${r.seconds.toFixed(0)} s`);
    out.push(`  ${r.name}: ${details.join('\n     ')}`);
  }
  return out.join('\n');
}
