/**
 * Files uploaded to a challenge that no recorded event ever named (ATTACH, RECORD_PAYMENT,
 * SUBMIT_FINAL_REPORT — their `facts.uploads` say which hashes they named) are removed once the
 * grace period has passed since their upload (issue 11: uploads are otherwise bounded only by the
 * quota). The upload rows and their hashes stay, marked `removed_at`, so what was uploaded, when
 * and by whom is still on record; the bytes go. A file is content-addressed and may be held by
 * several challenges: its bytes go only when no challenge holds it named or still in grace.
 */
import { unlinkSync } from 'node:fs';
import type { Db } from '../../db/client.js';
import type { FileStore } from '../../files/file-store.js';

/** How long an unnamed upload is kept: long enough to finish an application begun in the window. */
export const UNATTACHED_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface SweepResult {
  /** The hashes whose bytes were removed. */
  removed: string[];
}

/** Removes the bytes of every upload never named by an event and older than the grace period. */
export async function sweepUnattachedUploads(
  deps: { db: Db; files: FileStore },
  now: Date,
  graceDays = UNATTACHED_GRACE_DAYS,
): Promise<SweepResult> {
  const { db } = deps;
  const cutoff = new Date(now.getTime() - graceDays * DAY_MS).toISOString();
  // Whether an event of the upload's challenge named it: its facts hold uploads[sha256] = true.
  const named =
    db.$port.dialect === 'sqlite'
      ? `SELECT 1 FROM events e, json_each(e.facts, '$.uploads') j
                 WHERE e.challenge_id = a.challenge_id AND e.facts IS NOT NULL
                   AND j.key = a.sha256 AND j.value = 1`
      : `SELECT 1 FROM events e
                 WHERE e.challenge_id = a.challenge_id AND e.facts IS NOT NULL
                   AND (e.facts::jsonb #>> ARRAY['uploads', a.sha256]) = 'true'`;
  // Every held row of a hash, and whether it is named by an event of its challenge or still in grace.
  const rows = await db.$port.query<{ sha256: string; kept: number }>(
    `SELECT a.sha256 AS sha256,
            CASE WHEN a.uploaded_at > @cutoff OR EXISTS (${named}) THEN 1 ELSE 0 END AS kept
       FROM attachments a
      WHERE a.removed_at IS NULL
        AND a.sha256 IN (SELECT sha256 FROM attachments WHERE removed_at IS NULL AND uploaded_at <= @cutoff)`,
    { cutoff },
  );
  const kept = new Set(rows.filter((r) => Number(r.kept) === 1).map((r) => r.sha256));
  const removable = [...new Set(rows.map((r) => r.sha256))].filter((sha) => !kept.has(sha)).sort();
  const at = now.toISOString();
  // Marked, then unlinked, inside one write transaction: no upload's row interleaves, and a
  // crash between the two leaves stray bytes, never a row that claims bytes that are gone.
  for (const sha256 of removable)
    await db.$port.withTransaction(async () => {
      await db.$port.run('UPDATE attachments SET removed_at = ? WHERE sha256 = ? AND removed_at IS NULL', [at, sha256]);
      try {
        unlinkSync(deps.files.pathOf(sha256));
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    });
  return { removed: removable };
}
