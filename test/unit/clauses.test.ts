/**
 * machines/challenge/clauses.ts declares, per event, the clauses its checks can cite; the
 * diagram labels transitions with them. This test derives the same table from the code: it
 * parses rules.ts with the TypeScript compiler, starts from each entry of the `checks` table and
 * follows every function and constant of rules.ts it refers to, collecting the clause-ID string
 * literals it meets. The two tables must be equal both ways: a check that starts citing a new
 * clause, or stops citing one, fails here until the declaration follows. Checks that live in
 * sibling modules (imported by rules.ts) are followed too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { eventClauses } from '../../machines/challenge/clauses.js';
import { staffEventTypes, systemEventTypes } from '../../machines/challenge/events.js';
import { violationsOf } from '../../machines/challenge/rules.js';

const CLAUSE_ID = /^[A-Z]{1,2}-[0-9A-Z][0-9A-Za-z./]*$/;

/** Top-level declarations of one module, and where its relative imports come from. */
interface ModuleIndex {
  declarations: Map<string, ts.Node>;
  imports: Map<string, { file: string; name: string }>;
}

const modules = new Map<string, ModuleIndex>();
function moduleIndex(file: string): ModuleIndex {
  const known = modules.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const index: ModuleIndex = { declarations: new Map(), imports: new Map() };
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) index.declarations.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) index.declarations.set(d.name.text, d.initializer);
    // Checks may move to sibling modules: follow relative imports (`./eligibility.js` → .ts).
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.') &&
      statement.importClause?.namedBindings &&
      ts.isNamedImports(statement.importClause.namedBindings) &&
      !statement.importClause.isTypeOnly
    ) {
      const from = join(dirname(file), statement.moduleSpecifier.text.replace(/\.js$/, '.ts'));
      for (const el of statement.importClause.namedBindings.elements)
        if (!el.isTypeOnly) index.imports.set(el.name.text, { file: from, name: (el.propertyName ?? el.name).text });
    }
  }
  modules.set(file, index);
  return index;
}

function clausesCitedByChecks(): Record<string, string[]> {
  const rulesFile = join(import.meta.dirname, '../../machines/challenge/rules.ts');
  const table = moduleIndex(rulesFile).declarations.get('checks');
  if (!table || !ts.isObjectLiteralExpression(table)) throw new Error('rules.ts has no `checks` object literal');

  /** Collects clause IDs in `node` and in every declaration it refers to, across modules. */
  const collect = (node: ts.Node, file: string, found: Set<string>, seen: Set<string>) => {
    const index = moduleIndex(file);
    const visit = (n: ts.Node): void => {
      if (ts.isTypeNode(n)) return; // Check<'SUBMIT'> and the like name events, not clauses.
      if (ts.isStringLiteralLike(n) && CLAUSE_ID.test(n.text)) found.add(n.text);
      if (ts.isIdentifier(n)) {
        const local = index.declarations.get(n.text);
        const imported = index.imports.get(n.text);
        const key = local ? `${file}#${n.text}` : imported ? `${imported.file}#${imported.name}` : null;
        if (key && !seen.has(key)) {
          seen.add(key);
          if (local) visit(local);
          else if (imported) {
            const target = moduleIndex(imported.file).declarations.get(imported.name);
            if (target) collect(target, imported.file, found, seen);
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  };

  const out: Record<string, string[]> = {};
  for (const property of table.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
    const found = new Set<string>();
    collect(property.initializer, rulesFile, found, new Set([`${rulesFile}#checks`]));
    out[property.name.text] = [...found].sort();
  }
  return out;
}

describe('clause table (machines/challenge/clauses.ts)', () => {
  const cited = clausesCitedByChecks();

  it('names every event type, and only those', () => {
    expect(Object.keys(eventClauses).sort()).toEqual([...staffEventTypes, ...systemEventTypes].sort());
    expect(Object.keys(cited).sort()).toEqual(Object.keys(eventClauses).sort());
  });

  it.each(Object.keys(eventClauses))('%s: declared clauses = clauses its checks cite', (type) => {
    const declared = [...eventClauses[type as keyof typeof eventClauses]].sort();
    expect(declared, `update eventClauses.${type} in machines/challenge/clauses.ts`).toEqual(cited[type]);
  });

  it('the extraction follows helpers: P-1 of a missing track reaches RECORD_PAYMENT through liveTrack', () => {
    expect(cited.RECORD_PAYMENT).toEqual(['H-5', 'P-1', 'P-7']);
    // And the running code agrees: an unknown track is refused with P-1.
    const ctx = { tracks: [] } as unknown as Parameters<typeof violationsOf>[0];
    const event = {
      type: 'RECORD_PAYMENT',
      trackId: 'nope',
      amountCny: 1,
      paidOn: '2026-07-01',
      evidenceSha256: 'a'.repeat(64),
      at: '2026-07-01T00:00:00Z',
      actor: { id: 'f', role: 'finance' },
    } as const;
    expect(violationsOf(ctx, event).map((v) => v.clause)).toEqual(['P-1']);
  });
});
