/**
 * Chinese text for SQLite FTS5 (issue 12). Most Chinese words are two characters (风电, 运维,
 * 储能); FTS5's `trigram` tokenizer cannot match a query shorter than three characters and the
 * `unicode61` tokenizer keeps a whole run of Han characters as one token. So the indexed text
 * writes every run of Han characters as its overlapping bigrams (风电运维 → 风电 电运 运维),
 * plus the run's last character alone, and leaves other text to `unicode61` (words, numbers).
 * A query is turned the same way into one phrase per word: 风电运维 must match 风电 电运 运维 in
 * sequence; a single character is a prefix query. Measured against LIKE and trigram in
 * bench/public-search.ts (figures in docs/decisions.md).
 */

const hanRun = /\p{Script=Han}+/gu;

/** Bigrams of one run of Han characters (code points, not UTF-16 units). */
function bigramsOf(run: string, withLast: boolean): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const grams: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) grams.push(`${chars[i]}${chars[i + 1]}`);
  if (withLast) grams.push(chars[chars.length - 1] as string);
  return grams;
}

/** The text to index: Han runs as bigrams (and their last character), the rest as it is. */
export function indexText(text: string): string {
  return text.replace(hanRun, (run) => ` ${bigramsOf(run, true).join(' ')} `);
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * An FTS5 MATCH expression for what a person typed: every whitespace-separated word must occur
 * (AND); a word is a phrase of its bigrams; a lone Han character matches as a prefix. Returns
 * null when nothing searchable is left (only punctuation).
 */
export function matchExpression(query: string): string | null {
  const terms: string[] = [];
  for (const word of query.split(/\s+/u)) {
    // unicode61 drops punctuation; a word of punctuation only has no tokens and would match nothing.
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    const chars = [...word];
    if (chars.length === 1 && /\p{Script=Han}/u.test(word)) {
      terms.push(`${quote(word)}*`);
      continue;
    }
    const phrase = word.replace(hanRun, (run) => ` ${bigramsOf(run, false).join(' ')} `).trim();
    terms.push(quote(phrase));
  }
  return terms.length === 0 ? null : terms.join(' AND ');
}

/**
 * PostgreSQL's search terms (issue 15; PostgreSQL 12 has no tokenizer for Chinese and the
 * service uses no extension): every bigram of each Han run, each lone Han character, and every
 * other word in lower case. Stored in a GIN-indexed text[] so `terms @> query terms` finds the
 * candidates; the words themselves are then matched in sequence with ILIKE.
 */
export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const run of text.match(hanRun) ?? []) for (const gram of bigramsOf(run, false)) terms.add(gram);
  for (const word of text.replace(hanRun, ' ').match(/[\p{L}\p{N}]+/gu) ?? []) terms.add(word.toLowerCase());
  return [...terms];
}

/**
 * What a person typed, for PostgreSQL: the terms every match must hold (a lone Han character
 * holds none: it is matched by ILIKE alone) and the words each to be found in the text as typed.
 * Null when nothing searchable is left.
 */
export function searchQuery(query: string): { terms: string[]; words: string[] } | null {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  const terms = new Set<string>();
  for (const word of words)
    if ([...word].length > 1 || !/\p{Script=Han}/u.test(word)) for (const t of searchTerms(word)) terms.add(t);
  return { terms: [...terms], words };
}
