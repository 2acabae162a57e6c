import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessChangedEventRequest, pathwayEventRequest, toCloudEvent } from '../../contracts/src/index.js';
import { createPool, migrateDatabase, type Pool } from '../../database/src/index.js';
import { DENMARK_2013_REVISED, instant, type PathwayEvent } from '../../domain/src/index.js';
import { scenario } from '../../domain/src/testing/scenario.fixtures.js';
import { ReadModelStore } from './read-model-store.js';

const freshRef = (): string => `PW-${randomBytes(6).toString('hex').toUpperCase()}`;

/** A case's audit messages under its own ref (the scenario's events, renumbered for `ref`). */
function messagesOf(ref: string, events: readonly PathwayEvent[]) {
  return events.map((event, i) =>
    toCloudEvent(pathwayEventRequest(ref, i + 1, { ...event, caseRef: ref } as PathwayEvent, [])),
  );
}

describe('the read model on a real PostgreSQL (issue 14)', () => {
  let pool: Pool;
  let store: ReadModelStore;
  const child = scenario(DENMARK_2013_REVISED, instant('2027-05-31T08:00:00.000Z')).refer({
    hasLegalStay: false,
    isDefendant: false,
    age: 'child',
  });

  beforeAll(async () => {
    const url = inject('databaseUrl');
    await migrateDatabase(url);
    pool = createPool(url, { max: 4 });
    store = new ReadModelStore(pool);
  });

  afterAll(async () => {
    await pool.end();
  });

  const rowsOf = async (ref: string) => ({
    case: (
      await pool.query(
        'select stage, is_child, event_seq, access_seq, grants, gap_at_seq from read_model_cases where case_ref = $1',
        [ref],
      )
    ).rows,
    deadlines: (
      await pool.query(
        'select deadline_id, kind, responsible, due_at from read_model_deadlines where case_ref = $1 order by deadline_id',
        [ref],
      )
    ).rows,
  });

  it('projects a child’s case: every running deadline with its agency (the guardian’s and CMM’s both)', async () => {
    const ref = freshRef();
    for (const message of messagesOf(ref, child.events)) expect(await store.apply(message)).toBe('case');
    const { case: rows, deadlines } = await rowsOf(ref);
    expect(rows).toEqual([
      expect.objectContaining({ stage: 'referred', is_child: true, event_seq: child.events.length }),
    ]);
    expect(deadlines.map((d: { kind: string }) => d.kind)).toContain('guardian-appointment');
  });

  it('changes nothing when the same messages come again, in any number', async () => {
    const ref = freshRef();
    const messages = messagesOf(ref, child.events);
    for (const message of messages) await store.apply(message);
    const before = await rowsOf(ref);
    const again = await Promise.all([...messages, ...messages].map((m) => store.apply(m)));
    expect(new Set(again)).toEqual(new Set(['duplicate']));
    expect(await rowsOf(ref)).toEqual(before);
  });

  it('keeps the grants of the highest access change, whichever arrives first', async () => {
    const ref = freshRef();
    const at = instant('2027-06-01T08:00:00.000Z');
    const first = toCloudEvent(
      accessChangedEventRequest(ref, 1, 'opened', 'police', at, [{ role: 'police', party: 'nec' }]),
    );
    const second = toCloudEvent(
      accessChangedEventRequest(ref, 2, 'granted', 'cmm', at, [
        { role: 'police', party: 'nec' },
        { role: 'ngo', party: 'reden' },
      ]),
    );
    expect(await store.apply(second)).toBe('access');
    expect(await store.apply(first)).toBe('duplicate');
    expect((await rowsOf(ref)).case[0]).toMatchObject({ access_seq: 2, grants: ['ngo:reden', 'police:nec'] });
  });

  it('marks a gap instead of applying an event out of order', async () => {
    const ref = freshRef();
    const adult = scenario(DENMARK_2013_REVISED, instant('2027-05-31T08:00:00.000Z')).refer().identify();
    const messages = messagesOf(ref, adult.events);
    expect(messages.length).toBeGreaterThan(1);
    expect(await store.apply(messages[1]!)).toBe('gap');
    expect((await rowsOf(ref)).case[0]).toMatchObject({ event_seq: 0, gap_at_seq: 1 });
  });
});
