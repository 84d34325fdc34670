/**
 * The time machine's downloads, made in the browser from the history the auditor already read
 * (`GET …/history`): CSV with Chinese headers (UTF-8 with a byte-order mark, so Excel opens it
 * as Chinese) and JSON Lines, one history entry per line exactly as the API answered it.
 */
import type { HistoryEntry } from '../../../api/audit-types.js';
import { eventLabels, roleLabels, statePathName } from '../../../api/labels.js';
import { csvText } from '../../../console/csv.js';
import { statePath } from './statechart-graph.js';

export const CSV_HEADERS = [
  '序号',
  '全局序号',
  '事件',
  '事件名称',
  '操作人角色',
  '操作人',
  '时间（北京时间）',
  '流程版本',
  '事件后状态',
  '前一哈希',
  '哈希',
  '事件内容',
] as const;

const beijing = (iso: string) => {
  // sv-SE writes 2026-05-06 10:00:00: sortable, unambiguous.
  return new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false });
};

export function historyCsv(items: readonly HistoryEntry[]): string {
  const rows = items.map((e) => [
    e.seq,
    e.globalSeq,
    e.type,
    eventLabels[e.type] ?? '',
    e.actor ? (roleLabels[e.actor.role] ?? e.actor.role) : '',
    e.actor?.id ?? '',
    beijing(e.at),
    e.machineVersion,
    statePathName(statePath(e.stateAfter)),
    e.prevHash ?? '',
    e.hash ?? '',
    e.payload,
  ]);
  return csvText(CSV_HEADERS, rows);
}

export const historyJsonLines = (items: readonly HistoryEntry[]): string =>
  items.map((e) => JSON.stringify(e)).join('\n') + (items.length ? '\n' : '');
