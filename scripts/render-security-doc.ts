/** Writes the access table (src/access/access-table.ts) into docs/security.md between its markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ACCESS_TABLE_END, ACCESS_TABLE_START, renderAccessTable } from '../src/access/access-table.js';

const path = new URL('../docs/security.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const start = doc.indexOf(ACCESS_TABLE_START);
const end = doc.indexOf(ACCESS_TABLE_END);
if (start < 0 || end < start) throw new Error('docs/security.md has no access-table markers');
writeFileSync(path, doc.slice(0, start) + renderAccessTable() + doc.slice(end + ACCESS_TABLE_END.length));
console.log('docs/security.md: access table written');
