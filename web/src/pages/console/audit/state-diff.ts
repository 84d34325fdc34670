/**
 * What changed between two points of a history: both states flattened to `path → value`
 * (`draft.title`, `bids[0].requestedFundingCny`), then every path whose value differs, was added
 * or was removed. Arrays are compared element by element, so a new bid shows as its own lines.
 */
export interface Difference {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    for (const [i, v] of value.entries()) flatten(v, `${path}[${i}]`, out);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(path, '{}');
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(value));
}

export function differences(before: unknown, after: unknown): Difference[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((path) => ({ path, before: a.get(path), after: b.get(path) }));
}
