import { describe, expect, it } from 'vitest';
import { accessChangedEventRequest, pathwayEventRequest, toCloudEvent } from '../../contracts/src/index.js';
import { DENMARK_2013_REVISED, currentDeadlines, instant } from '../../domain/src/index.js';
import { CASE_REF, scenario } from '../../domain/src/testing/scenario.fixtures.js';
import { project, type CaseRow, type Projected } from './projection.js';

/** The audit stream's messages of a case, as the worker's activity publishes them. */
function auditMessages(events: ReturnType<typeof scenario>['events']) {
  return events.map((event, i) => toCloudEvent(pathwayEventRequest(CASE_REF, i + 1, event, [])));
}

/** Applies messages in order to a row, as the store does. */
function fold(
  row: CaseRow | undefined,
  messages: ReturnType<typeof auditMessages>,
): {
  row: CaseRow | undefined;
  kinds: Projected['kind'][];
  deadlines: unknown;
} {
  const kinds: Projected['kind'][] = [];
  let deadlines: unknown = [];
  for (const message of messages) {
    const projected = project(row, message);
    kinds.push(projected.kind);
    if (projected.kind === 'case') {
      deadlines = projected.deadlines;
      row = {
        caseRef: projected.caseRef,
        eventSeq: projected.eventSeq,
        state: projected.state,
        accessSeq: row?.accessSeq ?? 0,
        grants: row?.grants ?? [],
        gapAtSeq: undefined,
      };
    }
  }
  return { row, kinds, deadlines };
}

describe('the read model projection (issue 14)', () => {
  const s = scenario(DENMARK_2013_REVISED, instant('2027-05-31T08:00:00.000Z')).refer().identify().after(3);
  const messages = auditMessages(s.events);

  it('folds the audit stream into the state and the running deadlines the case view shows', () => {
    const { row, kinds, deadlines } = fold(undefined, messages);
    expect(kinds.every((k) => k === 'case')).toBe(true);
    expect(row?.eventSeq).toBe(s.events.length);
    expect(row?.state).toEqual(JSON.parse(JSON.stringify(s.state)));
    expect(deadlines).toEqual(currentDeadlines(s.case, DENMARK_2013_REVISED));
    expect((deadlines as { responsible: string }[]).map((d) => d.responsible)).toContain('cmm');
  });

  it('is idempotent: every message again (a redelivery, a rebuild over a kept row) changes nothing', () => {
    const once = fold(undefined, messages);
    const again = fold(once.row, messages);
    expect(again.kinds.every((k) => k === 'duplicate')).toBe(true);
    expect(again.row).toEqual(once.row);
  });

  it('never applies out of order: a missing event is a gap, not a wrong state', () => {
    const first = fold(undefined, messages.slice(0, 1)).row;
    expect(project(first, messages[2]!)).toEqual({ kind: 'gap', caseRef: CASE_REF, atSeq: 2 });
  });

  it('keeps the highest access change: the whole list of grants, as role:party keys', () => {
    const at = instant('2026-12-07T09:00:00.000Z');
    const opened = toCloudEvent(
      accessChangedEventRequest(CASE_REF, 1, 'opened', 'police', at, [{ role: 'police', party: 'nec' }]),
    );
    const granted = toCloudEvent(
      accessChangedEventRequest(CASE_REF, 2, 'granted', 'cmm', at, [
        { role: 'police', party: 'nec' },
        { role: 'ngo', party: 'reden' },
      ]),
    );
    expect(opened.id).toBe(`${CASE_REF}/a00001`);
    const after = project(undefined, granted);
    expect(after).toEqual({
      kind: 'access',
      caseRef: CASE_REF,
      accessSeq: 2,
      grants: ['ngo:reden', 'police:nec'],
    });
    const row: CaseRow = {
      caseRef: CASE_REF,
      eventSeq: 0,
      state: undefined,
      accessSeq: 2,
      grants: ['ngo:reden', 'police:nec'],
      gapAtSeq: undefined,
    };
    expect(project(row, opened)).toEqual({ kind: 'duplicate' });
  });

  it('ignores what is not a case fact (reminders, person events)', () => {
    expect(
      project(undefined, { id: `${CASE_REF}/reminder/x`, type: 'dk.pathway.deadline-reminder.v1', data: {} }),
    ).toEqual({
      kind: 'ignored',
    });
  });
});
