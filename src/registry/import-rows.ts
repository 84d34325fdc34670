/**
 * Reads a bulk-import file into rows, each with the line it starts on, so a rejected row can be
 * reported by line. CSV has a header row (English field names or the Chinese ones below);
 * JSON is an array of objects (reported by item number) or JSON Lines (one object per line).
 */
import { parse } from 'csv-parse/sync';

export type ImportFormat = 'csv' | 'json' | 'jsonl';

export interface SourceRow {
  /** 1-based line of the file where the row starts (item number for a JSON array). */
  line: number;
  /** Field values as read: strings from CSV, any JSON value from JSON. */
  data: Record<string, unknown>;
}

export function formatOf(path: string): ImportFormat | undefined {
  const ext = path.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'json' || ext === 'jsonl' ? ext : ext === 'ndjson' ? 'jsonl' : undefined;
}

/** Chinese column headers, as a bureau's spreadsheet names them. */
const headerAliases: Record<string, string> = {
  统一社会信用代码: 'code',
  单位名称: 'name',
  名称: 'name',
  单位类型: 'type',
  类型: 'type',
  是否市域内: 'inCity',
  市域内: 'inCity',
  独立法人: 'legalPerson',
  是否独立法人: 'legalPerson',
  所在区县: 'district',
  人员编号: 'id',
  姓名: 'name',
  所在单位: 'unit',
  主体单位: 'subjectUnit',
  主体人员: 'subjectPerson',
  记录类别: 'kind',
  类别: 'kind',
  起始日期: 'from',
  截止日期: 'to',
  关联单位: 'otherUnit',
  关系: 'relation',
  项目编号: 'projectId',
  状态: 'status',
  计划结束日期: 'plannedEnd',
  备注: 'note',
};

export class ImportFileError extends Error {}

export function readRows(text: string, format: ImportFormat): SourceRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // Excel writes a BOM
  if (format === 'csv') {
    let records: { record: Record<string, string>; info: { lines: number; raw?: string } }[];
    try {
      records = parse(body, {
        columns: (header: string[]) => header.map((h) => headerAliases[h.trim()] ?? h.trim()),
        info: true,
        raw: true,
        skip_empty_lines: true,
        trim: true,
      });
    } catch (err) {
      throw new ImportFileError(`not readable as CSV: ${err instanceof Error ? err.message : String(err)}`);
    }
    return records.map(({ record, info }) => {
      const spanned = (info.raw ?? '').replace(/\r?\n$/, '').split('\n').length - 1;
      return { line: info.lines - spanned, data: record };
    });
  }
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new ImportFileError(`not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Array.isArray(parsed)) throw new ImportFileError('a JSON import is an array of objects');
    return parsed.map((item, i) => ({ line: i + 1, data: isObject(item) ? item : { __notAnObject: item } }));
  }
  const rows: SourceRow[] = [];
  body.split('\n').forEach((text, i) => {
    if (text.trim() === '') return;
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch {
      item = { __notJson: text };
    }
    rows.push({ line: i + 1, data: isObject(item) ? item : { __notAnObject: item } });
  });
  return rows;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
