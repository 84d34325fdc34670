/**
 * Issue 15: a read never sees what an open transaction has written. On SQLite one connection
 * serves every request, and a group-commit batch is a transaction that other requests' reads
 * could run beside (whenever it waits); those reads go to a read-only connection that sees the
 * last committed state. On PostgreSQL a transaction holds a pooled connection of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { checkpoints } from '../../src/db/schema.js';
import { freshDatabase, type TestDatabase } from '../helpers/store.js';

const dir = mkdtempSync(join(tmpdir(), 'jiebang-read-isolation-'));
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await freshDatabase(dir);
  db = openDatabase(database.location);
  await migrateDatabase(db, new Date().toISOString());
});
afterAll(async () => {
  await db.$port.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const raw = async () =>
  Number((await db.$port.query<{ n: number }>('SELECT count(*) AS n FROM checkpoints'))[0]?.n ?? -1);
const built = async () => Number((await db.select({ n: count() }).from(checkpoints).get())?.n ?? -1);

describe('reads beside an open transaction', () => {
  it('see nothing of it until it commits, by raw and by built statements; inside it, its own writes', async () => {
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seenInside: number[] = [];
    const transaction = db.$port.withTransaction(async () => {
      await db.$port.run('INSERT INTO checkpoints (day, global_seq, global_hash, recorded_at) VALUES (?, ?, ?, ?)', [
        '2026-12-01',
        0,
        '0'.repeat(64),
        new Date().toISOString(),
      ]);
      seenInside.push(await raw(), await built());
      written();
      await held;
    });
    await wrote;
    // Another request's reads, while the transaction waits with its row written.
    expect([await raw(), await built()]).toEqual([0, 0]);
    release();
    await transaction;
    expect(seenInside).toEqual([1, 1]);
    expect([await raw(), await built()]).toEqual([1, 1]);
  });
});
