/**
 * What a reader may see of sealed values (issue 16), in one place for every way data leaves:
 * the HTTP answers (src/http/plugins/personal-data.ts) and `jiebang export`. A ref becomes its
 * value in full for a reader the access policy lets read personal data, masked (src/personal/
 * mask.ts) for every other, and `[已删除]` once erased.
 */
import { type PersonalKind, REF_PATTERN } from './kinds.js';
import { mask } from './mask.js';
import { type Revealed, reveal, type Vault } from './vault.js';

/** What an erased value reads as. */
export const ERASED = '[已删除]';

/** A ref as a reader sees it; a ref that names no record stays as it is. */
export function shownValue(found: Revealed | undefined, ref: string, full: boolean): string {
  if (!found) return ref;
  if ('erased' in found) return ERASED;
  return full ? found.value : mask(found.kind as PersonalKind, found.value);
}

/**
 * Every ref that stands in any string of a value, object keys included (an event's facts are
 * keyed by person id: `facts.persons[ref]`).
 */
export function refsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    const found = value.match(REF_PATTERN);
    if (found) into.push(...found);
  } else if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      refsIn(k, into);
      refsIn(v, into);
    }
  return into;
}

/** A copy of a value with every ref in its strings and keys replaced by what the reader may see. */
export function withRefsShown(value: unknown, found: ReadonlyMap<string, Revealed>, full: boolean): unknown {
  const text = (s: string) => s.replace(REF_PATTERN, (ref) => shownValue(found.get(ref), ref, full));
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => withRefsShown(v, found, full));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), withRefsShown(v, found, full)]));
  return value;
}

/**
 * A JSON text with every ref replaced by what the reader may see of it. Refs stand only inside
 * JSON strings, so each is replaced by its value escaped for a JSON string: one scan of the text
 * the serializer wrote, and nothing at all for a text without refs (most of them).
 */
export async function revealInJson(vault: Vault, json: string, full: boolean): Promise<string> {
  const refs = json.match(REF_PATTERN);
  if (!refs) return json;
  const found = await reveal(vault, refs);
  if (found.size === 0) return json;
  return json.replace(REF_PATTERN, (ref) => JSON.stringify(shownValue(found.get(ref), ref, full)).slice(1, -1));
}
