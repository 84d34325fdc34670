/**
 * The public list's Chinese search (issue 12), measured: CJK bigrams in FTS5 (what the service
 * uses, src/engine/public/cjk-bigrams.ts) against SQLite's `trigram` tokenizer and a LIKE scan,
 * on N synthetic calls. Prints, per query, the matches each finds and the mean time per query.
 * Run: npx tsx bench/public-search.ts [N]
 */
import Database from 'better-sqlite3';
import { indexText, matchExpression } from '../src/engine/public/cjk-bigrams.js';

const N = Number(process.argv[2] ?? 20_000);
const words = [
  '风电',
  '运维',
  '储能',
  '轴承',
  '国产化',
  '攻关',
  '智能',
  '装备',
  '检测',
  '平台',
  '电池',
  '回收',
  '氢能',
  '光伏',
  '材料',
  '纺织',
  '医药',
  '算力',
  '低空',
  '无人机',
  '煤化工',
  '节水',
  '农业',
  '棉花',
  '传感器',
  '数据',
  '安全',
  '工艺',
  '制造',
  '研发',
  '关键',
  '技术',
  '新型',
  '高效',
  '绿色',
  '示范',
  '应用',
];
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed % n;
};
/** Real titles mix a few domain words into many others: 1 word in 20 is from the list above. */
const filler = Array.from({ length: 2000 }, (_, i) =>
  String.fromCodePoint(0x4e00 + ((i * 7919) % 6000), 0x4e00 + ((i * 104_729) % 6000)),
);
const word = () => (rand(20) === 0 ? words[rand(words.length)] : filler[rand(filler.length)]);
const phrase = (len: number) => Array.from({ length: len }, word).join('');

const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE bigram USING fts5(id UNINDEXED, title, body, tokenize = 'unicode61');
         CREATE VIRTUAL TABLE tri USING fts5(id UNINDEXED, title, body, tokenize = 'trigram');
         CREATE TABLE plain (id TEXT PRIMARY KEY, title TEXT, body TEXT);`);
const insert = {
  bigram: db.prepare('INSERT INTO bigram VALUES (?, ?, ?)'),
  tri: db.prepare('INSERT INTO tri VALUES (?, ?, ?)'),
  plain: db.prepare('INSERT INTO plain VALUES (?, ?, ?)'),
};
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const title = phrase(4);
    const body = `${phrase(30)}。${phrase(20)}。`;
    insert.bigram.run(String(i), indexText(title), indexText(body));
    insert.tri.run(String(i), title, body);
    insert.plain.run(String(i), title, body);
  }
})();

const bigram = db.prepare('SELECT id FROM bigram WHERE bigram MATCH ? ORDER BY bm25(bigram, 0, 10, 1) LIMIT 20');
const bigramCount = db.prepare('SELECT count(*) AS n FROM bigram WHERE bigram MATCH ?');
const tri = db.prepare('SELECT count(*) AS n FROM tri WHERE tri MATCH ?');
const like = db.prepare(
  "SELECT count(*) AS n FROM plain WHERE title LIKE '%' || ? || '%' OR body LIKE '%' || ? || '%'",
);

const time = (fn: () => unknown, reps = 20) => {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / reps;
};
const quote = (s: string) => `"${s}"`;

console.log(`${N} calls; ms per query (matches)`);
console.log('query        | bigram FTS5 (used)  | trigram FTS5        | LIKE scan (baseline)');
for (const q of ['风电', '运维', '储能', '国产化攻关', '氢能电池', '储']) {
  const match = matchExpression(q) as string;
  const nB = (bigramCount.get(match) as { n: number }).n;
  const tB = time(() => bigram.all(match));
  let triCell = 'no match (< 3 chars)';
  if ([...q].length >= 3) {
    const nT = (tri.get(quote(q)) as { n: number }).n;
    triCell = `${time(() => tri.get(quote(q))).toFixed(2)} (${nT})`;
  }
  const nL = (like.get(q, q) as { n: number }).n;
  const tL = time(() => like.get(q, q), 5);
  console.log(
    `${q.padEnd(10, '　')} | ${`${tB.toFixed(2)} (${nB})`.padEnd(19)} | ${triCell.padEnd(19)} | ${tL.toFixed(2)} (${nL})`,
  );
}
