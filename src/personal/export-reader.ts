/**
 * Whom an export is for (issue 16: "exports follow the same policy" as the views). A role reads
 * what the access policy lets it read (`personalData` in src/access/policy.ts): in full for the
 * admin, the bureau and auditors, masked for every other role; `masked` is the default (the file
 * leaves the database, so it carries the minimum unless the operator names a reader entitled to
 * more); `stored` keeps the refs as the log holds them, for re-hashing an export byte for byte.
 */
import { readsPersonalDataInFull, roles, type TokenRole } from '../access/policy.js';
import { refsIn, withRefsShown } from './reveal-for.js';
import { type Revealed, reveal, type Vault } from './vault.js';

export const exportReaders = [...roles, 'masked', 'stored'] as const;
export type ExportReader = (typeof exportReaders)[number];

export function parseExportReader(text: string): ExportReader {
  if (!(exportReaders as readonly string[]).includes(text))
    throw new Error(`--as is one of ${exportReaders.join(', ')} (not "${text}")`);
  return text as ExportReader;
}

const readsInFull = (reader: ExportReader) =>
  reader !== 'masked' && reader !== 'stored' && readsPersonalDataInFull(reader as TokenRole);

/** How many rows share one look-up of the vault: flat memory, one query per batch. */
const BATCH = 256;

/**
 * The rows with every ref shown as the reader may see it. `jsonText` names the columns that hold
 * JSON as text (an event's payload, facts …): their refs are replaced inside the parsed value
 * and the text written again, so a value holding a quote never breaks it. The vault is opened
 * only when a row holds a ref (an export without personal data needs no key).
 */
export async function* shownForReader<T extends object>(
  rows: Iterable<T> | AsyncIterable<T>,
  reader: ExportReader,
  openVault: () => Vault,
  jsonText: readonly string[] = [],
): AsyncGenerator<T> {
  if (reader === 'stored') {
    yield* rows;
    return;
  }
  const full = readsInFull(reader);
  let vault: Vault | undefined;
  let batch: T[] = [];
  const flush = async function* (): AsyncGenerator<T> {
    const refs = batch.flatMap((row) => refsIn(Object.values(row)));
    if (refs.length === 0) {
      yield* batch;
      return;
    }
    vault ??= openVault();
    const found: Map<string, Revealed> = await reveal(vault, refs);
    for (const row of batch) yield shownRow(row, found, full, jsonText);
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) {
      yield* flush();
      batch = [];
    }
  }
  yield* flush();
}

function shownRow<T extends object>(
  row: T,
  found: ReadonlyMap<string, Revealed>,
  full: boolean,
  jsonText: readonly string[],
): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (jsonText.includes(key) && typeof value === 'string' && refsIn(value).length > 0)
      out[key] = JSON.stringify(withRefsShown(JSON.parse(value) as unknown, found, full));
    else out[key] = withRefsShown(value, found, full);
  }
  return out as T;
}
