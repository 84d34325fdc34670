/**
 * Many challenges, quickly and honestly, for the bench's "100,000 cold" figure: one challenge
 * created through the API is copied, with the server stopped, into `count` new challenges. Each
 * copy has its own id (in every row, payload and snapshot that names it), its own number, its
 * events rehashed onto its own chain and linked into the global chain after the current head,
 * and copies of its timer and participation rows — what the engine would have written had each
 * been created through the API, at a fraction of the time.
 */
import Database from 'better-sqlite3';
import { globalChainHash, type StoredEventText, storedRowHash } from '../src/engine/canonical.js';

type Row = Record<string, unknown>;

const renamed = (row: Row, from: string, to: string): Row => {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' ? v.split(from).join(to) : v;
  return out;
};

const insertOf = (db: Database.Database, table: string, row: Row) => {
  const cols = Object.keys(row);
  return db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
};

export function cloneChallenge(file: string, templateId: string, ids: string[]): void {
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const challenge = db.prepare('SELECT * FROM challenges WHERE id = ?').get(templateId) as Row;
  const events = db.prepare('SELECT * FROM events WHERE challenge_id = ? ORDER BY seq').all(templateId) as Row[];
  const timers = db
    .prepare("SELECT * FROM timers WHERE challenge_id = ? AND status = 'pending'")
    .all(templateId) as Row[];
  const participations = db.prepare('SELECT * FROM participations WHERE challenge_id = ?').all(templateId) as Row[];
  const head = db.prepare('SELECT global_hash AS h FROM events ORDER BY global_seq DESC LIMIT 1').get() as {
    h: string;
  };
  const maxNumber = (
    db.prepare('SELECT max(number) AS n FROM challenges WHERE programme_id = ?').get(challenge.programme_id) as {
      n: number;
    }
  ).n;
  const strip = (row: Row, ...keys: string[]) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
  const insertChallenge = insertOf(db, 'challenges', challenge);
  const insertEvent = insertOf(db, 'events', strip(events[0] as Row, 'global_seq'));
  const insertTimer = timers[0] ? insertOf(db, 'timers', strip(timers[0], 'id')) : undefined;
  const insertParticipation = participations[0] ? insertOf(db, 'participations', participations[0]) : undefined;
  const setHead = db.prepare('UPDATE challenges SET head_hash = ? WHERE id = ?');
  let globalHash = head.h;
  db.transaction(() => {
    ids.forEach((id, i) => {
      // The head hash is set once the events are chained (the events name their challenge row).
      insertChallenge.run({ ...renamed(challenge, templateId, id), number: maxNumber + i + 1 });
      let prev = '0'.repeat(64);
      for (const template of events) {
        const row = renamed(strip(template, 'global_seq'), templateId, id);
        const text: StoredEventText = {
          challengeId: id,
          seq: row.seq as number,
          type: row.type as string,
          payload: row.payload as string,
          facts: row.facts as string | null,
          actor: row.actor as string,
          at: row.at as string,
          machineVersion: row.machine_version as string,
          stateAfter: row.state_after as string,
        };
        row.prev_hash = prev;
        row.hash = storedRowHash(prev, text);
        globalHash = globalChainHash(globalHash, row.hash as string);
        row.global_hash = globalHash;
        prev = row.hash as string;
        insertEvent.run(row);
      }
      setHead.run(prev, id);
      for (const t of timers) insertTimer?.run(renamed(strip(t, 'id'), templateId, id));
      for (const p of participations) insertParticipation?.run(renamed(p, templateId, id));
    });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
