/**
 * Issue 16: personal data sealed at rest. A planted ID number, a Chinese name, a phone and an
 * objector's contact are nowhere in clear in the database (SQLite: the file and its WAL, raw
 * bytes; PostgreSQL: every row of every table) nor in the uploads folder; readers the policy
 * lets see them read them in full, every other reader masked; erasing a person leaves every
 * chain verifying and the person's data unreadable; a key rotation re-wraps without touching
 * the chains.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataKeyFrom } from '../../src/crypto/data-key.js';
import { persons } from '../../src/db/schema.js';
import { eraseValues } from '../../src/personal/erase.js';
import { withIdCheckCharacter } from '../../src/personal/kinds.js';
import { ERASED } from '../../src/personal/reveal-for.js';
import { sealExisting } from '../../src/personal/seal-existing.js';
import { findRef, reveal, rotateDataKey } from '../../src/personal/vault.js';
import { clearIn, filesUnder, storedBytes as storedBytesOf } from '../helpers/at-rest.js';
import { type Parties, registerParties, techDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, type Json, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { anonymous } from '../helpers/public.js';

const ID = withIdCheckCharacter('11010119900307123');
const NAME = '欧阳娜娜';
const PHONE = '13912345678';
const OBJECTOR = '李四海';
const CONTACT = 'lisihai@example.cn';
const PAPER_OBJECTOR = '钱七七';
const PAPER_CONTACT = '13698765432';
const MAIL = 'zhaoliuliu@example.cn';
const MAIL_NAME = '赵六六';
const planted = [ID, NAME, PHONE, OBJECTOR, CONTACT, PAPER_OBJECTOR, PAPER_CONTACT, MAIL, MAIL_NAME];

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

/** Every byte the database holds: SQLite's file and WAL as they lie on disk; PostgreSQL's rows. */
const storedBytes = () => storedBytesOf(h.app.jiebang.db.$port);

/** A challenge whose leader is the planted person, on notice, with an objection from the public. */
async function plantedChallenge() {
  const put = await h.request('PUT', `/api/v1/persons/${ID}`, h.adminToken, { name: NAME, unit: UNITS.issuer });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const account = await h.request('POST', '/api/v1/accounts', p.bureau, {
    username: 'ouyang',
    password: 'a-long-enough-password-1',
    name: NAME,
    role: 'expert',
    person: ID,
    mobile: PHONE,
  });
  expect(account.status, JSON.stringify(account.body)).toBe(201);
  const s = await new ChallengeDriver(h, p).create(techDraft({ leader: ID, team: [ID, 'p-m1'] }));
  await s.toAnnouncement();
  const filed = await anonymous(h, 'POST', `/api/v1/public/challenges/${s.id}/objections`, {
    name: OBJECTOR,
    contact: CONTACT,
    text: '中选团队的业绩材料与事实不符。',
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  // An objection received on paper, typed in by the bureau; its answer is kept for the
  // Idempotency-Key, so the stored answer is scanned too.
  const typed = await s.send(
    p.bureau,
    {
      type: 'OBJECT',
      objector: { name: PAPER_OBJECTOR },
      contact: PAPER_CONTACT,
      text: '书面异议：团队成员资质存疑。',
    } as never,
    { 'idempotency-key': 'paper-objection-1' },
  );
  expect(typed.status, JSON.stringify(typed.body)).toBe(200);
  // A mail recipient: its address is the table's key and the outbox's target.
  const recipient = await h.request('PUT', `/api/v1/mail/recipients/${MAIL}`, p.bureau, {
    name: MAIL_NAME,
    role: 'issuer',
    unit: UNITS.issuer,
  });
  expect(recipient.status, JSON.stringify(recipient.body)).toBe(200);
  expect(recipient.body).toMatchObject({ address: MAIL, name: MAIL_NAME });
  return s;
}

describe('personal data at rest', () => {
  it('leaves no planted ID number, name, phone or objector contact in clear in the database or the uploads folder', async () => {
    await plantedChallenge();
    // The typed objection's answer is kept for its Idempotency-Key, and scanned with the rest.
    const kept = await h.app.jiebang.db.$port.query<{ n: number }>('SELECT count(*) AS n FROM idempotency_keys');
    expect(Number(kept[0]?.n)).toBeGreaterThan(0);
    const stored = await storedBytes();
    expect(stored.length).toBeGreaterThan(0);
    for (const value of planted) expect(clearIn(stored, value), value).toBe(false);
    const files = filesUnder(join(h.dir, 'files'));
    expect(files.length).toBeGreaterThan(0);
    for (const value of planted) expect(clearIn(files, value), value).toBe(false);
    // The scan finds what it looks for: the unit's name, which is not personal data, is there.
    expect(clearIn(stored, '某大学')).toBe(true);
  });

  it('shows the bureau and auditors the data in full, and every other reader masked', async () => {
    const s = await plantedChallenge();
    const bureauView = await s.view(p.bureau);
    expect(bureauView.details.draft.leader).toBe(ID);
    expect(bureauView.details.objections[0].objector.name).toBe(OBJECTOR);
    const auditorEntries = (await s.history(p.auditor)).slice(-2) as Json[];
    expect(auditorEntries.map((e) => e.payload)).toMatchObject([
      { objector: { name: OBJECTOR }, contact: CONTACT },
      { objector: { name: PAPER_OBJECTOR }, contact: PAPER_CONTACT },
    ]);
    const recipients = await h.request('GET', '/api/v1/mail/recipients', p.bureau);
    expect(recipients.body.items).toContainEqual(expect.objectContaining({ address: MAIL, name: MAIL_NAME }));
    const person = await h.request('GET', `/api/v1/persons/${ID}`, p.bureau);
    expect(person.body).toMatchObject({ id: ID, name: NAME });

    const masked = { id: '110101********1234'.replace(/1234$/, ID.slice(-4)), name: '欧***' };
    for (const [role, tokenOf] of [
      ['issuer', p.issuer],
      ['district', p.district],
      ['finance', p.finance],
    ] as const) {
      const view = await h.request('GET', `/api/v1/challenges/${s.id}`, tokenOf);
      expect(view.status, role).toBe(200);
      const text = JSON.stringify(view.body);
      for (const value of planted) expect(text.includes(value), `${role} reads ${value}`).toBe(false);
      expect(view.body.details.draft.leader, role).toBe(masked.id);
      expect(view.body.details.objections[0].objector.name, role).toBe('李**');
      expect(view.body.details.objections[1].objector.name, role).toBe('钱**');
    }
    // The solver and an expert read the published call as the public does: no people at all.
    for (const tokenOf of [p.solverA, Object.values(p.experts)[0] as string]) {
      const text = JSON.stringify((await h.request('GET', `/api/v1/challenges/${s.id}`, tokenOf)).body);
      for (const value of planted) expect(text.includes(value)).toBe(false);
    }
    // A look-up of an ID number not on record finds nothing and seals nothing.
    const count = async () =>
      (await h.app.jiebang.db.$port.query<{ n: number }>('SELECT count(*) AS n FROM personal_data')).map((r) =>
        Number(r.n),
      );
    const before = await count();
    const unknown = withIdCheckCharacter('11010119900307999');
    expect((await h.request('GET', `/api/v1/persons/${unknown}`, p.bureau)).status).toBe(404);
    expect(await count()).toEqual(before);
    // The registry's person, read by a unit's issuer, is masked too.
    const byIssuer = await h.request('GET', `/api/v1/persons/${ID}`, p.issuer);
    expect(byIssuer.body).toMatchObject({ id: masked.id, name: masked.name });
  });
});

describe('erasure and rotation', () => {
  it('erases a person: every chain still verifies, the data reads as erased and cannot be found', async () => {
    const s = await plantedChallenge();
    const vault = h.app.vault;
    const refs = [await findRef(vault, 'personId', ID), await findRef(vault, 'name', NAME)];
    expect(refs.every((r) => r?.startsWith('p_'))).toBe(true);
    const before = await h.request('GET', '/api/v1/audit/verify', p.auditor);
    expect(before.body.ok).toBe(true);
    const wrapped = await h.app.jiebang.db.$port.query<{ k: string }>(
      'SELECT wrapped_key AS k FROM personal_data WHERE ref = ?',
      [refs[0]],
    );
    const wrappedKey = (wrapped[0] as { k: string }).k;
    expect(clearIn(await storedBytes(), wrappedKey)).toBe(true);

    const erased = await eraseValues(
      vault,
      [
        { kind: 'personId', value: ID },
        { kind: 'name', value: NAME },
      ],
      h.now(),
      'test: a lawful request',
    );
    expect(erased).toBe(2);

    const after = await h.request('GET', '/api/v1/audit/verify', p.auditor);
    expect(after.body).toEqual(before.body);
    expect((await h.request('GET', `/api/v1/challenges/${s.id}/verify`, p.auditor)).body.ok).toBe(true);
    const view = await s.view(p.bureau);
    expect(view.details.draft.leader).toBe(ERASED);
    expect(await findRef(vault, 'personId', ID)).toBeUndefined();
    const rows = await reveal(vault, refs as string[]);
    expect([...rows.values()].every((r) => 'erased' in r)).toBe(true);
    const stored = await storedBytes();
    for (const value of [ID, NAME]) expect(clearIn(stored, value), value).toBe(false);
    // The wrapped key is gone from the file, its WAL and (PostgreSQL) every row: nothing can open the value.
    expect(clearIn(stored, wrappedKey)).toBe(false);
    // The objector, not erased, still reads.
    expect(view.details.objections[0].objector.name).toBe(OBJECTOR);
    // The erasure is on record.
    const steps = await h.app.jiebang.db.$port.query<{ kind: string }>('SELECT kind FROM personal_data_steps');
    expect(steps.map((r) => r.kind)).toEqual(['erase']);
  });

  it('re-wraps every record under a new key without touching the chains', async () => {
    const s = await plantedChallenge();
    const vault = h.app.vault;
    const before = await h.request('GET', '/api/v1/audit/verify', p.auditor);
    const next = dataKeyFrom(Buffer.alloc(64, 7));
    const rewrapped = await rotateDataKey(vault.db, vault.key, next, h.now(), 'test');
    expect(rewrapped).toBeGreaterThanOrEqual(planted.length);
    const rotated = { db: vault.db, key: next };
    const ref = await findRef(rotated, 'personId', ID);
    expect(ref).toBeDefined();
    expect((await reveal(rotated, [ref as string])).get(ref as string)).toEqual({ kind: 'personId', value: ID });
    // The old key opens nothing any more.
    await expect(reveal(vault, [ref as string])).rejects.toThrow(/HMAC-SM3/);
    expect((await h.request('GET', '/api/v1/audit/verify', p.auditor)).body).toEqual(before.body);
    expect(s.id).toBeDefined();
    // Put the app's key back in step for the replay check at close.
    await rotateDataKey(vault.db, next, vault.key, h.now(), 'test');
  });
});

describe('an existing database with clear personal data', () => {
  it('moves by a recorded step: names sealed, the clear ID numbers of old events counted, every chain still verifying', async () => {
    // A person registered before sealing began, as an older version of the service wrote it.
    const LEGACY = withIdCheckCharacter('65010219851111002');
    await h.app.jiebang.db
      .insert(persons)
      .values({ id: LEGACY, name: '王五福', unit: UNITS.issuer, updatedAt: h.now() })
      .run();
    // Its events carry the clear id, as old events do; the person stays one person for the rules.
    const s = await new ChallengeDriver(h, p).create(techDraft({ leader: LEGACY, team: [LEGACY, 'p-m1'] }));
    await s.toPublication();
    expect(clearIn(await storedBytes(), '王五福')).toBe(true);
    const before = await h.request('GET', '/api/v1/audit/verify', p.auditor);
    expect(before.body.ok).toBe(true);

    const report = await sealExisting(h.app.vault, h.now(), 'test: the migration');
    expect(report).toMatchObject({ personsSealed: 1, accountsSealed: 0, clearIdNumbers: 1 });
    expect(report.eventsWithClearIdNumbers).toBeGreaterThan(0);
    // Again: nothing more to seal, and the step recorded twice.
    expect(await sealExisting(h.app.vault, h.now(), 'test: again')).toMatchObject({ personsSealed: 0 });
    const steps = await h.app.jiebang.db.$port.query<{ kind: string; detail: string }>(
      'SELECT kind AS kind, detail AS detail FROM personal_data_steps ORDER BY id',
    );
    expect(steps.map((r) => r.kind)).toEqual(['seal-existing', 'seal-existing']);
    expect(JSON.parse((steps[0] as { detail: string }).detail)).toEqual(report);

    expect((await h.request('GET', '/api/v1/audit/verify', p.auditor)).body).toEqual(before.body);
    expect(clearIn(await storedBytes(), '王五福')).toBe(false);
    const read = await h.request('GET', `/api/v1/persons/${LEGACY}`, p.bureau);
    expect(read.body).toMatchObject({ id: LEGACY, name: '王五福' });
    expect((await h.request('GET', `/api/v1/persons/${LEGACY}`, p.issuer)).body.name).toBe('王**');
    // New events naming the legacy person keep its clear id (the log is never rewritten).
    expect((await s.view(p.bureau)).details.draft.leader).toBe(LEGACY);
  });
});

describe('every way out: exports over HTTP, the console reads, denials, the log', () => {
  const UNREGISTERED = withIdCheckCharacter('11010119851231456');

  /** A refused SUBMIT whose message names a team member by ID number: the denial records it. */
  async function plantedDenial(): Promise<void> {
    const d = await new ChallengeDriver(h, p).create(techDraft({ leader: ID, team: [ID, UNREGISTERED] }));
    await d.attachAll();
    const refused = await d.send(p.issuer, { type: 'SUBMIT', confirmDetails: true } as never);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(JSON.stringify(refused.body)).toContain(UNREGISTERED.slice(-4));
    expect(JSON.stringify(refused.body)).not.toContain(UNREGISTERED);
  }

  it('shows the history, the rebuilt state and the denials in full to the bureau and auditors, masked to the issuer', async () => {
    const s = await plantedChallenge();
    await plantedDenial();
    const seq = ((await s.history(p.auditor)) as Json[]).length;
    for (const reader of [p.bureau, p.auditor]) {
      const history = JSON.stringify((await h.request('GET', `/api/v1/challenges/${s.id}/history`, reader)).body);
      for (const value of [ID, OBJECTOR, CONTACT, PAPER_OBJECTOR, PAPER_CONTACT]) expect(history).toContain(value);
      const state = await h.request('GET', `/api/v1/challenges/${s.id}/state?seq=${seq}`, reader);
      expect(state.status, JSON.stringify(state.body)).toBe(200);
      const stateText = JSON.stringify(state.body);
      for (const value of [ID, OBJECTOR, PAPER_OBJECTOR]) expect(stateText).toContain(value);
      const denials = await h.request('GET', '/api/v1/denials', reader);
      expect(denials.status).toBe(200);
      expect(JSON.stringify(denials.body)).toContain(UNREGISTERED);
      expect(JSON.stringify(denials.body)).not.toMatch(/p_[0-9a-f]{24}/);
    }
    // The issuer reads its challenge's history (the console's CSV / JSON Lines are built from it): masked.
    const issuerHistory = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.issuer);
    expect(issuerHistory.status).toBe(200);
    const text = JSON.stringify(issuerHistory.body);
    for (const value of planted) expect(text.includes(value), `issuer reads ${value}`).toBe(false);
    expect(text).not.toMatch(/p_[0-9a-f]{24}/);
    expect(text).toContain(`110101********${ID.slice(-4)}`);
    expect(text).toContain('李**');
    // The issuer is not shown objectors' contacts at all (withheld by the access policy).
    expect(text).toContain('payload.contact');
    // The console's own reads name nobody to the issuer and the district.
    for (const reader of [p.issuer, p.district]) {
      const inbox = JSON.stringify((await h.request('GET', '/api/v1/inbox', reader)).body);
      for (const value of [...planted, UNREGISTERED]) expect(inbox.includes(value)).toBe(false);
    }
    const stats = await h.request('GET', '/api/v1/stats', p.auditor);
    expect(stats.status).toBe(200);
    expect(JSON.stringify(stats.body)).not.toMatch(/p_[0-9a-f]{24}/);
    // Nothing of it lies in clear in the database: the denial's message holds the ref.
    expect(clearIn(await storedBytes(), UNREGISTERED)).toBe(false);
  });

  it('writes no planted value to the request log', async () => {
    await h.close();
    const lines: string[] = [];
    h = await startHarness(undefined, {}, { write: (line) => lines.push(line) });
    p = await registerParties(h);
    await plantedChallenge();
    await plantedDenial();
    expect((await h.request('GET', `/api/v1/persons/${ID}`, p.bureau)).status).toBe(200);
    expect((await h.request('GET', `/api/v1/persons/${UNREGISTERED}`, p.bureau)).status).toBe(404);
    const log = lines.join('');
    expect(log).toContain('/api/v1/persons/[redacted]');
    for (const value of [...planted, UNREGISTERED]) expect(log.includes(value), value).toBe(false);
  });
});
