/**
 * Issue 16, "exports follow the same policy": `jiebang export`, run as a child process on the
 * database file the real app wrote, shows the personal data in its events in full for the
 * readers the access policy lets read it (`--as auditor`, `--as bureau`), masked by default and
 * for every other role, `[已删除]` once erased, and the refs as stored with `--as stored` (whose
 * hashes re-hash byte for byte). Every kind of export (a challenge, a programme, its
 * reconciliation, the checkpoints) passes the same filter.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseValues } from '../../src/personal/erase.js';
import { withIdCheckCharacter } from '../../src/personal/kinds.js';
import { maskIdNumber } from '../../src/personal/mask.js';
import { ERASED } from '../../src/personal/reveal-for.js';
import { type Parties, registerParties, techDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { anonymous } from '../helpers/public.js';
import { databaseEnv } from '../helpers/store.js';

const run = promisify(execFile);
const LEADER = withIdCheckCharacter('11010119900307123');
const NAME = '欧阳娜娜';
const OBJECTOR = '李四海';
const CONTACT = '13912345678';
const ERASED_OBJECTOR = '王五五';
const clear = [LEADER, NAME, OBJECTOR, CONTACT, ERASED_OBJECTOR];

let h: Harness;
let p: Parties;
let s: ChallengeDriver;
// The key is found beside the database, as the service finds it, whatever the caller's environment says.
const { JIEBANG_DATA_KEY: _ignored, ...env } = process.env;

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  expect(
    (await h.request('PUT', `/api/v1/persons/${LEADER}`, h.adminToken, { name: NAME, unit: UNITS.issuer })).status,
  ).toBe(200);
  const account = await h.request('POST', '/api/v1/accounts', p.bureau, {
    username: 'ouyang',
    password: 'a-long-enough-password-1',
    name: NAME,
    role: 'expert',
    person: LEADER,
  });
  expect(account.status, JSON.stringify(account.body)).toBe(201);
  s = await new ChallengeDriver(h, p).create(techDraft({ leader: LEADER, team: [LEADER, 'p-m1'] }));
  await s.toAnnouncement();
  const filed = await anonymous(h, 'POST', `/api/v1/public/challenges/${s.id}/objections`, {
    name: OBJECTOR,
    contact: CONTACT,
    text: '中选团队的业绩材料与事实不符。',
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const second = await anonymous(h, 'POST', `/api/v1/public/challenges/${s.id}/objections`, {
    name: ERASED_OBJECTOR,
    contact: 'wangwuwu@example.cn',
    text: '请复核中选团队的资质。',
  });
  expect(second.status, JSON.stringify(second.body)).toBe(201);
  // The second objector asked to be erased.
  const erased = await eraseValues(
    h.app.vault,
    [
      { kind: 'name', value: ERASED_OBJECTOR },
      { kind: 'contact', value: 'wangwuwu@example.cn' },
    ],
    '2026-05-07T00:00:00Z',
    'test',
  );
  expect(erased).toBe(2);
}, 120_000);
afterAll(async () => h.close());

async function jiebang(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...env, ...databaseEnv(h.dbFile, h.dir), LOG_LEVEL: 'silent' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const payloadOf = (rows: Record<string, unknown>[], type: string) =>
  rows.filter((r) => r.type === type).map((r) => r.payload);

describe('jiebang export --as <reader>', () => {
  it('shows the auditor and the bureau every person in full, an erased one as erased', async () => {
    for (const reader of ['auditor', 'bureau', 'admin']) {
      const out = await jiebang('export', '--challenge', s.id, '--as', reader);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).not.toMatch(/p_[0-9a-f]{24}/);
      const rows = lines(out.stdout);
      const created = payloadOf(rows, 'CREATE') as { draft: { leader: string; team: string[] } }[];
      expect(created[0]?.draft.leader, reader).toBe(LEADER);
      expect(created[0]?.draft.team[0], reader).toBe(LEADER);
      expect(payloadOf(rows, 'OBJECT'), reader).toMatchObject([
        { objector: { name: OBJECTOR }, contact: CONTACT },
        { objector: { name: ERASED }, contact: ERASED },
      ]);
      expect(out.stdout).not.toContain(ERASED_OBJECTOR);
    }
    const csv = await jiebang('export', '--programme', 'wlmq-2026', '--format', 'csv', '--as', 'auditor');
    expect(csv.code, csv.stderr).toBe(0);
    const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    const objection = records.find((r) => r.type === 'OBJECT');
    expect(JSON.parse(objection?.payload ?? '{}')).toMatchObject({ objector: { name: OBJECTOR }, contact: CONTACT });
  });

  it('masks every person by default and for every other role', async () => {
    for (const [reader, formats] of [
      [[], ['jsonl', 'csv']],
      [['--as', 'masked'], ['jsonl']],
      [['--as', 'issuer'], ['csv']],
      [['--as', 'district'], ['jsonl']],
      [['--as', 'finance'], ['jsonl']],
    ] as const) {
      for (const format of formats) {
        const out = await jiebang('export', '--challenge', s.id, '--format', format, ...reader);
        expect(out.code, out.stderr).toBe(0);
        for (const value of clear) expect(out.stdout.includes(value), `${reader} ${format} shows ${value}`).toBe(false);
        expect(out.stdout).not.toMatch(/p_[0-9a-f]{24}/);
        expect(out.stdout).toContain(maskIdNumber(LEADER));
        expect(out.stdout).toContain('李**');
        expect(out.stdout).toContain('139****5678');
        expect(out.stdout).toContain(ERASED);
      }
    }
  });

  it('keeps the refs as stored with --as stored, re-hashable byte for byte', async () => {
    const csv = await jiebang('export', '--challenge', s.id, '--format', 'csv', '--as', 'stored');
    const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    const stored = await h.app.jiebang.db.$port.query<{ payload: string }>(
      'SELECT payload FROM events WHERE challenge_id = ? ORDER BY seq',
      [s.id],
    );
    expect(records.map((r) => r.payload)).toEqual(stored.map((r) => r.payload));
    expect(csv.stdout).toMatch(/p_[0-9a-f]{24}/);
    for (const value of clear) expect(csv.stdout.includes(value)).toBe(false);
  });

  it('passes the reconciliation and the checkpoints through the same filter, and refuses an unknown reader', async () => {
    const money = await jiebang('export', '--challenge', s.id, '--reconciliation', '--as', 'finance');
    expect(money.code, money.stderr).toBe(0);
    const checkpoints = await jiebang('export', '--checkpoints', '--as', 'auditor');
    expect(checkpoints.code, checkpoints.stderr).toBe(0);
    for (const value of clear) expect(money.stdout.includes(value) || checkpoints.stdout.includes(value)).toBe(false);
    const wrong = await jiebang('export', '--challenge', s.id, '--as', 'everyone');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--as is one of');
    expect(wrong.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
