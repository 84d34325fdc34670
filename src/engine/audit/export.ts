/**
 * The log as auditors take it away: every event of one challenge or of a programme, with its
 * facts and hashes, and the daily checkpoints of the global chain. Streams (`.iterate()`), so
 * a programme of any size exports in flat memory. JSON-valued columns are kept as the exact
 * canonical JSON text the hash covers, so an export can be re-hashed byte for byte.
 */

import { beijingDate } from '../../../machines/calendar.js';
import { reconcile } from '../../../machines/challenge/reconciliation.js';
import { notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { LIST_ROWS_SQL, type ListItemRow, storedSnapshot } from '../../db/stored-snapshot.js';
import type { StoredEventRow } from '../canonical.js';
import { hasHashSwitches, loadHashSchedule } from '../hash-schedule.js';

/** An exported event: every stored column; payload, facts, actor and stateAfter as the canonical JSON text that was hashed. */
export type ExportedEvent = StoredEventRow;

/** Column order, with the English and Chinese headers. */
export const eventColumns: { key: keyof ExportedEvent; en: string; zh: string }[] = [
  { key: 'challengeId', en: 'challengeId', zh: '榜单编号' },
  { key: 'seq', en: 'seq', zh: '序号' },
  { key: 'globalSeq', en: 'globalSeq', zh: '全局序号' },
  { key: 'type', en: 'type', zh: '事件类型' },
  { key: 'payload', en: 'payload', zh: '事件内容' },
  { key: 'facts', en: 'facts', zh: '决策依据事实' },
  { key: 'actor', en: 'actor', zh: '操作人' },
  { key: 'at', en: 'at', zh: '发生时间' },
  { key: 'machineVersion', en: 'machineVersion', zh: '状态机版本' },
  { key: 'stateAfter', en: 'stateAfter', zh: '事件后状态' },
  { key: 'prevHash', en: 'prevHash', zh: '前一哈希' },
  { key: 'hash', en: 'hash', zh: '哈希' },
  { key: 'globalHash', en: 'globalHash', zh: '全局链哈希' },
];

export interface ExportedCheckpoint {
  /** The Beijing date the checkpoint closes; for the open head, today's date of its last event. */
  day: string;
  kind: 'checkpoint' | 'head';
  globalSeq: number;
  globalHash: string;
  recordedAt: string;
  /** Issue 16: the hash the event at globalSeq was chained with. */
  hashAlgorithm: string;
  /** Issue 16: base64 SM2 signature of `day|globalSeq|globalHash|hashAlgorithm`; empty for the open head and a checkpoint not yet signed. */
  signature: string;
}

export const checkpointColumns: { key: keyof ExportedCheckpoint; en: string; zh: string }[] = [
  { key: 'day', en: 'day', zh: '日期' },
  { key: 'kind', en: 'kind', zh: '类型' },
  { key: 'globalSeq', en: 'globalSeq', zh: '全局序号' },
  { key: 'globalHash', en: 'globalHash', zh: '全局链哈希' },
  { key: 'recordedAt', en: 'recordedAt', zh: '记录时间' },
  { key: 'hashAlgorithm', en: 'hashAlgorithm', zh: '哈希算法' },
  { key: 'signature', en: 'signature', zh: 'SM2签名' },
];

const COLUMNS = `challenge_id AS challengeId, seq, global_seq AS globalSeq, type, payload, facts, actor, at,
  machine_version AS machineVersion, state_after AS stateAfter, prev_hash AS prevHash, hash, global_hash AS globalHash`;

export type ExportScope = { challenge: string } | { programme: string };

/** The events of one challenge (seq order) or of a programme (challenge id, then seq). */
export async function exportEvents(
  db: Db,
  scope: ExportScope,
): Promise<Iterable<ExportedEvent> | AsyncIterable<ExportedEvent>> {
  const port = db.$port;
  if ('challenge' in scope) {
    if ((await port.query('SELECT 1 FROM challenges WHERE id = ?', [scope.challenge])).length === 0)
      throw notFound('challenge', scope.challenge, '榜单');
    return port.each<ExportedEvent>(`SELECT ${COLUMNS} FROM events WHERE challenge_id = ? ORDER BY seq`, [
      scope.challenge,
    ]);
  }
  if ((await port.query('SELECT 1 FROM programmes WHERE id = ?', [scope.programme])).length === 0)
    throw notFound('programme', scope.programme, '申报批次');
  return port.each<ExportedEvent>(
    `SELECT ${COLUMNS} FROM events WHERE challenge_id IN (SELECT id FROM challenges WHERE programme_id = ?)
     ORDER BY challenge_id, seq`,
    [scope.programme],
  );
}

/** Every stored daily checkpoint, then the current head of the global chain (not yet closed). */
export async function exportCheckpoints(db: Db): Promise<ExportedCheckpoint[]> {
  const port = db.$port;
  // A copy from before issue 16: SHA-256 throughout, nothing signed.
  const stored = await port.query<ExportedCheckpoint>(
    (await hasHashSwitches(port))
      ? `SELECT c.day, 'checkpoint' AS kind, c.global_seq AS globalSeq, c.global_hash AS globalHash, c.recorded_at AS recordedAt,
                c.hash_algorithm AS hashAlgorithm, coalesce(s.signature, '') AS signature
         FROM checkpoints c LEFT JOIN checkpoint_signatures s ON s.day = c.day ORDER BY c.day`
      : `SELECT day, 'checkpoint' AS kind, global_seq AS globalSeq, global_hash AS globalHash, recorded_at AS recordedAt,
                'sha256' AS hashAlgorithm, '' AS signature
         FROM checkpoints ORDER BY day`,
  );
  const [head] = await port.query<{ globalSeq: number; globalHash: string; at: string }>(
    'SELECT global_seq AS globalSeq, global_hash AS globalHash, at FROM events ORDER BY global_seq DESC LIMIT 1',
  );
  if (!head) return stored;
  return [
    ...stored,
    {
      day: beijingDate(head.at),
      kind: 'head',
      globalSeq: head.globalSeq,
      globalHash: head.globalHash,
      recordedAt: head.at,
      hashAlgorithm: (await loadHashSchedule(port)).algorithmAt(Number(head.globalSeq)),
      signature: '',
    },
  ];
}

/** One track's money against its caps (machines/challenge/reconciliation.ts), flattened for CSV. */
export interface ExportedReconciliation {
  challengeId: string;
  trackId: string;
  payeeUnit: string;
  declaredCny: number;
  requestedCny: number;
  agreedCny: number;
  paidByIssuerCny: number;
  disbursedCny: number;
  shareCapCny: number;
  challengeCapCny: number;
  firstPhaseCapCny: number | null;
  remainingCny: number;
}

export const reconciliationColumns: { key: keyof ExportedReconciliation; en: string; zh: string }[] = [
  { key: 'challengeId', en: 'challengeId', zh: '榜单编号' },
  { key: 'trackId', en: 'trackId', zh: '攻关项目' },
  { key: 'payeeUnit', en: 'payeeUnit', zh: '收款单位' },
  { key: 'declaredCny', en: 'declaredCny', zh: '申报研发经费' },
  { key: 'requestedCny', en: 'requestedCny', zh: '揭榜申请经费' },
  { key: 'agreedCny', en: 'agreedCny', zh: '约定研发经费' },
  { key: 'paidByIssuerCny', en: 'paidByIssuerCny', zh: '已拨付揭榜经费' },
  { key: 'disbursedCny', en: 'disbursedCny', zh: '已拨付财政资金' },
  { key: 'shareCapCny', en: 'shareCapCny', zh: '比例上限' },
  { key: 'challengeCapCny', en: 'challengeCapCny', zh: '单榜上限' },
  { key: 'firstPhaseCapCny', en: 'firstPhaseCapCny', zh: '首期上限' },
  { key: 'remainingCny', en: 'remainingCny', zh: '尚可拨付' },
];

/** The reconciliation of one challenge's tracks, or of every challenge of a programme (by id), from the stored snapshots. */
export async function exportReconciliation(db: Db, scope: ExportScope): Promise<ExportedReconciliation[]> {
  const rows = await ('challenge' in scope
    ? db.$port.query<{ id: string; snapshot: string }>('SELECT id, snapshot FROM challenges WHERE id = ?', [
        scope.challenge,
      ])
    : db.$port.query<{ id: string; snapshot: string }>(
        'SELECT id, snapshot FROM challenges WHERE programme_id = ? ORDER BY id',
        [scope.programme],
      ));
  if ('challenge' in scope && rows.length === 0) throw notFound('challenge', scope.challenge, '榜单');
  const out: ExportedReconciliation[] = [];
  for (const row of rows) {
    const { context } = await storedSnapshot(row.snapshot, (id) => db.$port.query<ListItemRow>(LIST_ROWS_SQL, [id]));
    for (const r of reconcile(context))
      out.push({
        challengeId: row.id,
        trackId: r.trackId,
        payeeUnit: r.payeeUnit,
        declaredCny: r.declaredCny,
        requestedCny: r.requestedCny,
        agreedCny: r.agreedCny,
        paidByIssuerCny: r.paidByIssuerCny,
        disbursedCny: r.disbursedCny,
        shareCapCny: r.caps.shareCny,
        challengeCapCny: r.caps.capCny,
        firstPhaseCapCny: r.caps.firstPhaseCny ?? null,
        remainingCny: r.remainingCny,
      });
  }
  return out;
}
