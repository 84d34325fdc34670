import { describe, expect, it, vi } from 'vitest';
import { BatchRetry, type TransactionOptions } from '../../src/db/client.js';
import { GroupCommit, MAX_BATCH } from '../../src/engine/write/group-commit.js';

/** A store whose transaction records what ran in it, and can fail at commit. */
function fakeStore(failCommit = false) {
  const batches: string[][] = [];
  let current: string[] | null = null;
  return {
    batches,
    log: (what: string) => current?.push(what),
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      current = [];
      const result = await fn();
      batches.push(current);
      current = null;
      if (failCommit) throw new Error('disk full');
      return result;
    },
  };
}

describe('group commit', () => {
  it('runs the work of one turn in one transaction, in order, and answers each', async () => {
    const store = fakeStore();
    const commits = new GroupCommit(store, () => {});
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        commits.run(() => {
          store.log(name);
          return name.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['A', 'B', 'C']);
    expect(store.batches).toEqual([['a', 'b', 'c']]);
  });

  it('rejects only the work that threw; the rest of the batch commits', async () => {
    const store = fakeStore();
    const commits = new GroupCommit(store, () => {});
    const outcomes = await Promise.allSettled([
      commits.run(() => store.log('a')),
      commits.run(() => {
        throw new Error('refused');
      }),
      commits.run(() => store.log('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.batches).toEqual([['a', 'c']]);
  });

  it('rejects the whole batch and calls onRollback when the commit fails', async () => {
    const store = fakeStore(true);
    const onRollback = vi.fn();
    const commits = new GroupCommit(store, onRollback);
    const outcomes = await Promise.allSettled([commits.run(() => 1), commits.run(() => 2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(onRollback).toHaveBeenCalledOnce();
  });

  it('starts a new batch for work submitted after a flush', async () => {
    const store = fakeStore();
    const commits = new GroupCommit(store, () => {});
    await commits.run(() => store.log('first'));
    await commits.run(() => store.log('second'));
    expect(store.batches).toEqual([['first'], ['second']]);
  });

  it(`commits a flood in slices of at most ${MAX_BATCH}`, async () => {
    const store = fakeStore();
    const commits = new GroupCommit(store, () => {});
    const n = MAX_BATCH * 2 + 1;
    await Promise.all(Array.from({ length: n }, (_, i) => commits.run(() => store.log(String(i)))));
    expect(store.batches.map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH, 1]);
    expect(store.batches.flat()).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });

  it('asks the store to hold its writes back; when that batch fails with BatchRetry, runs it again without, once', async () => {
    const attempts: (boolean | undefined)[] = [];
    const ran: string[] = [];
    const store = {
      async transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
        attempts.push(options?.deferWrites);
        const result = await fn();
        if (options?.deferWrites) throw new BatchRetry('a held write changed nothing');
        return result;
      },
    };
    const onRollback = vi.fn();
    const commits = new GroupCommit(store, onRollback);
    const outcomes = await Promise.allSettled([
      commits.run(() => ran.push('a')),
      commits.run(() => {
        throw new Error('refused');
      }),
      commits.run(() => ran.push('c')),
    ]);
    expect(attempts).toEqual([true, false]);
    expect(ran).toEqual(['a', 'c', 'a', 'c']);
    // The answers are the second run's: what the first decided was never committed.
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).toEqual([3, 'rejected', 4]);
    expect(onRollback).toHaveBeenCalledOnce();
  });

  it('a batch that fails again when run write by write rejects every job', async () => {
    const store = {
      async transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
        await fn();
        throw options?.deferWrites ? new BatchRetry('held write failed') : new Error('disk full');
      },
    };
    const onRollback = vi.fn();
    const commits = new GroupCommit(store, onRollback);
    const outcomes = await Promise.allSettled([commits.run(() => 1), commits.run(() => 2)]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : o.value))).toEqual([
      'disk full',
      'disk full',
    ]);
    expect(onRollback).toHaveBeenCalledTimes(2);
  });
});
