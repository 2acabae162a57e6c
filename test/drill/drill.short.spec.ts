import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrillStack } from './drill-stack.js';
import { SHORT_PLAN, formatResults, runDrill, type DrillName, type DrillResult } from './drills.js';

/**
 * The short form of `npm run drill`, inside `npm test`: its own real Temporal dev server and Kafka broker,
 * the real worker and gateway as child processes, small counts of each fault drill, and the targets
 * asserted: 0 lost, 0 out of order, 0 failed workflows, 0 duplicate cases, no 5xx but 503.
 */
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

describe('fault drills, short form (npm run drill -- --short)', () => {
  let stack: DrillStack;
  const runId = `t${Date.now().toString(36)}`;
  const results: DrillResult[] = [];

  beforeAll(async () => {
    stack = await DrillStack.create({ log });
    await stack.start();
  });

  afterAll(async () => {
    if (results.length > 0) log(`\nFault drills (short):\n${formatResults(results)}`);
    await stack?.stop();
  });

  const drills: ReadonlyArray<[DrillName, string]> = [
    ['a', `(a) kill -9 the worker ${SHORT_PLAN.workerKills} times during acts on ${SHORT_PLAN.casesA} cases`],
    ['b', `(b) stop and restart Kafka ${SHORT_PLAN.kafkaRestarts} time(s) during acts`],
    ['c', '(c) kill -9 Temporal and restart it during acts'],
    ['d', '(d) Kafka down before the first send of a fresh worker and gateway'],
  ];

  for (const [name, title] of drills) {
    it(`${title}: nothing lost, in order, no failed workflow, no duplicate case, every answer access-logged, every person record announced, no 5xx but 503`, async () => {
      const result = await runDrill(stack, name, SHORT_PLAN, runId, log);
      results.push(result);
      const report = formatResults([result]);
      expect(result.cases, report).toBeGreaterThanOrEqual(
        { a: SHORT_PLAN.casesA, b: SHORT_PLAN.casesB, c: SHORT_PLAN.casesC, d: SHORT_PLAN.casesD }[name],
      );
      expect(result.events.expected, report).toBeGreaterThan(0);
      expect(result.person.expected, report).toBeGreaterThan(0);
      expect(
        {
          lost: result.events.lost,
          outOfOrder: result.events.outOfOrder,
          notRoutedThere: result.events.unexpected,
          failedWorkflows: result.workflows.failed,
          duplicateCases: result.workflows.duplicateCases,
          answersWithoutAccessRecord: result.access.missing,
          personRecordsWithoutEvent: result.person.missing,
          serverErrorsBut503: result.http.serverErrorsBut503(),
        },
        report,
      ).toEqual({
        lost: 0,
        outOfOrder: 0,
        notRoutedThere: 0,
        failedWorkflows: 0,
        duplicateCases: 0,
        answersWithoutAccessRecord: 0,
        personRecordsWithoutEvent: 0,
        serverErrorsBut503: 0,
      });
      expect(result.misses, report).toEqual([]);
    });
  }
});
