/**
 * The time machine's downloads, made in the browser from the history the auditor already read
 * (`GET …/history`): CSV with Chinese headers (UTF-8 with a byte-order mark, so Excel opens it
 * as Chinese) and JSON Lines, one history entry per line exactly as the API answered it.
 */
import type { HistoryEntry } from '../../../api/audit-types.js';
import { eventLabels, roleLabels, statePathName } from '../../../api/labels.js';
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
const cell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function historyCsv(items: readonly HistoryEntry[]): string {
  const rows = items.map((e) =>
    [
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
    ]
      .map(cell)
      .join(','),
  );
  return `\uFEFF${[CSV_HEADERS.join(','), ...rows].join('\r\n')}\r\n`;
}

export const historyJsonLines = (items: readonly HistoryEntry[]): string =>
  items.map((e) => JSON.stringify(e)).join('\n') + (items.length ? '\n' : '');

/** Saves text as a file through the browser's download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
