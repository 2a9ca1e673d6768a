import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventFollower } from '../../src/store/event-follower.ts';
import { insertEvents, type NewEvent } from '../../src/store/events.ts';
import { pgTestDb, type TestDb } from '../helpers/db.ts';

const event = (n: number, type: NewEvent['type'] = 'field_changed'): NewEvent => ({ type, questionId: `8-${n}`, lang: null, key: `k${n}`, payload: { n } });

describe('EventFollower', () => {
  let t: TestDb;
  let clock: number;
  beforeEach(async () => {
    t = await pgTestDb();
    clock = 1_000_000;
  });
  afterEach(async () => {
    await t?.drop();
  });

  const store = (...events: NewEvent[]) => t.db.transaction((tx) => insertEvents(tx, events, []));
  const follower = (opts: Partial<ConstructorParameters<typeof EventFollower>[1]> = {}) =>
    new EventFollower(t.db, { afterSeq: 0, gapWaitMs: 3000, clock: () => clock, ...opts });
  const numbers = (events: { payload: Record<string, unknown> }[]) => events.map((e) => e.payload.n);

  it('delivers each event once, in seq order, from its cursor', async () => {
    const f = follower();
    await store(event(1), event(2));
    expect(numbers(await f.poll())).toEqual([1, 2]);
    expect(await f.poll()).toEqual([]);
    await store(event(3));
    expect(numbers(await f.poll())).toEqual([3]);
    expect(f.cursor).toBe(3);
  });

  it('waits at a seq still being written and delivers it in order when it commits', async () => {
    const f = follower();
    await store(event(1));
    expect(numbers(await f.poll())).toEqual([1]);
    let commit!: () => void;
    const open = new Promise<void>((resolve) => (commit = resolve));
    let taken!: () => void;
    const seqTaken = new Promise<void>((resolve) => (taken = resolve));
    const slow = t.db.transaction(async (tx) => {
      await insertEvents(tx, [event(2)], []);
      taken();
      await open;
    });
    await seqTaken;
    await store(event(3));
    // 3 is committed, 2 is not: nothing past the hole yet.
    expect(await f.poll()).toEqual([]);
    commit();
    await slow;
    expect(numbers(await f.poll())).toEqual([2, 3]);
  });

  it('steps over a hole that never fills (a rolled back event) once it is older than gapWaitMs', async () => {
    const f = follower();
    await expect(
      t.db.transaction(async (tx) => {
        await insertEvents(tx, [event(1)], []);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await store(event(2));
    expect(await f.poll()).toEqual([]);
    clock += 2999;
    expect(await f.poll()).toEqual([]);
    clock += 1;
    expect(numbers(await f.poll())).toEqual([2]);
  });

  it('passes the events its filter leaves out without delivering them', async () => {
    const f = follower({ types: ['answer_arrived'] });
    await store(event(1), event(2, 'answer_arrived'), event(3));
    expect(numbers(await f.poll())).toEqual([2]);
    expect(f.cursor).toBe(3);
  });

  it('reads more than one batch in a poll', async () => {
    const f = follower({ batch: 2 });
    await store(event(1), event(2), event(3), event(4), event(5));
    expect(numbers(await f.poll())).toEqual([1, 2, 3, 4, 5]);
  });
});
