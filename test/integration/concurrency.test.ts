/**
 * Lost updates and retries (api.md "Conventions"): `If-Match` makes a write conditional on the
 * version it was based on, `Idempotency-Key` makes a retried write return the first response,
 * and a refused write leaves no trace on the challenge.
 */
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timers } from '../../src/db/schema.js';
import { type Parties, registerParties, techDraft, token, UNITS } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
beforeEach(async () => {
  h = await startHarness();
  p = await registerParties(h);
});
afterEach(async () => h.close());

async function historyOf(id: string): Promise<Json[]> {
  const r = await h.request('GET', `/api/v1/challenges/${id}/history`, p.auditor);
  expect(r.status).toBe(200);
  return r.body.items;
}

const timerRows = (id: string) =>
  h.app.jiebang.db.select().from(timers).where(eq(timers.challengeId, id)).orderBy(asc(timers.id)).all();

/** Everything a request could have changed: the view, the log and the timers. */
async function everything(s: ChallengeDriver) {
  return { view: await s.view(), history: await historyOf(s.id), timers: await timerRows(s.id) };
}

const byStatus = (replies: Reply[]) => [...replies].sort((a, b) => a.status - b.status);

describe('If-Match', () => {
  it('two concurrent writers with the same If-Match: exactly one 200 and one 409, one new event', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const before = await historyOf(s.id);
    expect((await s.view()).version).toBe(1);

    const replies = await Promise.all([
      s.send(p.issuer, { type: 'UPDATE', title: '标题甲' }, { 'if-match': '"1"' }),
      s.send(p.issuer, { type: 'UPDATE', title: '标题乙' }, { 'if-match': '"1"' }),
    ]);
    const [won, lost] = byStatus(replies) as [Reply, Reply];
    expect([won.status, lost.status]).toEqual([200, 409]);
    expect(lost.body.error.code).toBe('VERSION_CONFLICT');
    expect(won.body.version).toBe(2);

    const after = await historyOf(s.id);
    expect(after).toHaveLength(before.length + 1);
    const view = await s.view();
    expect(view.version).toBe(2);
    expect(view.title).toBe(won.body.title);
    expect(after.at(-1).payload.title).toBe(won.body.title);
  });

  it('two roles racing on one version in review: one decision wins, the state follows it', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    const { version } = await s.view();
    const ifMatch = { 'if-match': `"${version}"` };
    const replies = await Promise.all([
      s.send(p.district, { type: 'RECOMMEND', opinion: '同意推荐' }, ifMatch),
      s.send(p.issuer, { type: 'WITHDRAW', reason: '撤回' }, ifMatch),
      s.send(p.bureau, { type: 'DECLINE', reason: '不予受理' }, ifMatch),
    ]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const winner = replies.find((r) => r.status === 200) as Reply;
    const view = await s.view();
    expect(view.version).toBe(version + 1);
    expect(view.state).toEqual(winner.body.state);
    expect(await historyOf(s.id)).toHaveLength(version + 1);
  });

  it('a stale If-Match is 409, a current one is 200, and replies carry the etag', async () => {
    const created = await h.request('POST', '/api/v1/challenges', p.issuer, techDraft());
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const s = new ChallengeDriver(h, p);
    s.id = created.body.id;
    const read = await h.request('GET', `/api/v1/challenges/${s.id}`, p.bureau);
    expect(read.headers.etag).toBe('"1"');

    const first = await s.send(p.issuer, { type: 'UPDATE', title: '第一次修改' }, { 'if-match': '"1"' });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    expect(first.body.version).toBe(2);

    const before = await everything(s);
    for (const stale of ['"1"', '"0"', '"3"', '"99"']) {
      const r = await s.send(p.issuer, { type: 'UPDATE', title: '基于旧版本的修改' }, { 'if-match': stale });
      expect(r.status, stale).toBe(409);
      expect(r.body.error.code).toBe('VERSION_CONFLICT');
      expect(r.body.error.message_zh.length).toBeGreaterThan(0);
    }
    expect(await everything(s)).toEqual(before);

    const current = await s.send(p.issuer, { type: 'UPDATE', title: '基于当前版本' }, { 'if-match': '"2"' });
    expect(current.status).toBe(200);
    expect(current.headers.etag).toBe('"3"');
    const weak = await s.send(p.issuer, { type: 'UPDATE', title: '弱校验' }, { 'if-match': 'W/"3"' });
    expect(weak.status).toBe(200);
    expect(weak.headers.etag).toBe('"4"');
    expect((await s.view()).title).toBe('弱校验');
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body return the first response and append one event', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const before = (await historyOf(s.id)).length;
    const key = { 'idempotency-key': 'update-title-1' };
    const event = { type: 'UPDATE', title: '只改一次' };

    const first = await s.send(p.issuer, event, key);
    expect(first.status).toBe(200);
    const second = await s.send(p.issuer, event, key);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.body.version).toBe(first.body.version);
    expect(await historyOf(s.id)).toHaveLength(before + 1);

    // Even when the challenge has moved on since, the retry gets the first response.
    await s.ok(p.issuer, { type: 'UPDATE', summary: '另一处修改' });
    const third = await s.send(p.issuer, event, key);
    expect(third.body).toEqual(first.body);
    expect(await historyOf(s.id)).toHaveLength(before + 2);
    expect((await s.view()).version).toBe(first.body.version + 1);
  });

  it('concurrent retries with one key: both get the same response, one event', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const key = { 'idempotency-key': 'race-1' };
    const event = { type: 'UPDATE', title: '并发重试' };
    const [a, b] = (await Promise.all([s.send(p.issuer, event, key), s.send(p.issuer, event, key)])) as [Reply, Reply];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body).toEqual(b.body);
    expect(await historyOf(s.id)).toHaveLength(2);
  });

  it('the same key with another body is 422 IDEMPOTENCY_MISMATCH and changes nothing', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const key = { 'idempotency-key': 'k-1' };
    expect((await s.send(p.issuer, { type: 'UPDATE', title: '甲' }, key)).status).toBe(200);
    const before = await everything(s);
    for (const other of [
      { type: 'UPDATE', title: '乙' },
      { type: 'UPDATE', title: '甲', summary: '多一个字段' },
      { type: 'WITHDRAW', reason: '撤回' },
    ]) {
      const r = await s.send(p.issuer, other, key);
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    }
    // The same body on another challenge is another request too.
    const t = await new ChallengeDriver(h, p).create();
    const elsewhere = await t.send(p.issuer, { type: 'UPDATE', title: '甲' }, key);
    expect(elsewhere.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await everything(s)).toEqual(before);
    expect((await t.view()).version).toBe(1);
  });

  it('keys are per token: another token using the same key makes its own request', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const otherIssuer = await token(h, 'issuer', { unit: UNITS.issuer });
    const key = { 'idempotency-key': 'shared-key' };
    const event = { type: 'UPDATE', title: '同键' };
    const mine = await s.send(p.issuer, event, key);
    const theirs = await s.send(otherIssuer, event, key);
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    expect(theirs.body.version).toBe(mine.body.version + 1);
    const history = await historyOf(s.id);
    expect(history).toHaveLength(3);
    expect(history[1].actor.id).not.toBe(history[2].actor.id);
    // Each token's retry still returns its own first response.
    expect((await s.send(p.issuer, event, key)).body).toEqual(mine.body);
    expect((await s.send(otherIssuer, event, key)).body).toEqual(theirs.body);
    // And a different body under the key is a mismatch only for the token that used it.
    expect((await s.send(otherIssuer, { type: 'UPDATE', title: '别的' }, key)).body.error.code).toBe(
      'IDEMPOTENCY_MISMATCH',
    );
    expect(await historyOf(s.id)).toHaveLength(3);
  });

  it('POST /challenges with a key creates one challenge', async () => {
    const key = { 'idempotency-key': 'create-1' };
    const draft = techDraft();
    const first = await h.request('POST', '/api/v1/challenges', p.issuer, draft, key);
    const second = await h.request('POST', '/api/v1/challenges', p.issuer, draft, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const list = async () => (await h.request('GET', '/api/v1/challenges', p.bureau)).body.items;
    expect((await list()).map((c: Json) => c.id)).toEqual([first.body.id]);

    const mismatch = await h.request('POST', '/api/v1/challenges', p.issuer, techDraft({ title: '另一个榜单' }), key);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await list()).toHaveLength(1);

    // Without the key, the same body is a new challenge.
    const fresh = await h.request('POST', '/api/v1/challenges', p.issuer, draft);
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(await list()).toHaveLength(2);
  });
});

describe('a refused request changes nothing', () => {
  it('a 422 rule violation leaves version, view, history and timers as they were', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const before = await everything(s);
    const key = { 'idempotency-key': 'submit-1' };

    // Nothing attached yet: Q-4 and Q-5T refuse it, every failing clause listed.
    const refused = await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }, key);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('RULE_VIOLATION');
    const clauses = refused.body.error.violations.map((v: Json) => v.clause);
    expect(clauses).toEqual(expect.arrayContaining(['Q-4', 'Q-5T']));
    expect(await everything(s)).toEqual(before);

    // The same with If-Match: still nothing, and the version is still current.
    const again = await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }, { 'if-match': '"1"' });
    expect(again.status).toBe(422);
    expect(await everything(s)).toEqual(before);

    // A refusal is not remembered under its key: once fixed, the same request goes through.
    await s.attachAll();
    const accepted = await s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }, key);
    expect(accepted.status).toBe(200);
    expect(accepted.body.stage).toBe('review');
  });

  it('an event the state does not take (422 EVENT_NOT_ALLOWED) changes nothing', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.submit();
    const before = await everything(s);
    const r = await s.send(p.issuer, { type: 'UPDATE', title: '提交后不能改' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(await everything(s)).toEqual(before);
  });
});

describe('group commit: events sent together are committed together, in order', () => {
  it('ten concurrent edits without If-Match all succeed, one version each, chained', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.send(p.issuer, { type: 'UPDATE', summary: `edit ${i}` })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(replies.map((r) => r.body.version).sort((a: number, b: number) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    const history = (await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor)).body.items;
    expect(history).toHaveLength(11);
    for (let i = 1; i < history.length; i++) expect(history[i].prevHash).toBe(history[i - 1].hash);
  });

  it('a refusal among them undoes only itself', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const replies = await Promise.all([
      s.send(p.issuer, { type: 'UPDATE', summary: 'one' }),
      s.send(p.issuer, { type: 'SUBMIT', confirmDetails: true }), // 422: nothing attached
      s.send(p.issuer, { type: 'UPDATE', summary: 'two' }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 422, 200]);
    const view = await s.view();
    expect(view.version).toBe(3);
    expect(view.details.draft.summary).toBe('two');
  });
});

describe('another process wrote since this one last saw the challenge (issue 15)', () => {
  // This process decides on the version it last wrote without reading the head again; the write's
  // version check, and a read of the head on any refusal, keep it from acting on an old version.
  it('an event is decided again on the stored version: If-Match, version and chain follow the database', async () => {
    const s = await new ChallengeDriver(h, p).create();
    const other = await h.otherWriter();
    expect((await h.send(p.issuer, s.id, { type: 'UPDATE', title: '本进程第一次' })).body.version).toBe(2);
    const elsewhere = await other.send(p.issuer, s.id, { type: 'UPDATE', title: '另一进程' });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    expect(elsewhere.body.version).toBe(3);

    const current = await h.send(p.issuer, s.id, { type: 'UPDATE', title: '基于第三版' }, { 'if-match': '"3"' });
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    expect(current.body.version).toBe(4);
    const stale = await other.send(
      p.issuer,
      s.id,
      { type: 'UPDATE', title: '基于第三版，已过时' },
      { 'if-match': '"3"' },
    );
    expect(stale.status).toBe(409);
    const plain = await other.send(p.issuer, s.id, { type: 'UPDATE', title: '不带版本' });
    expect(plain.body.version).toBe(5);

    const view = await s.view();
    expect(view.version).toBe(5);
    expect(view.title).toBe('不带版本');
    const history = await historyOf(s.id);
    expect(history.map((e: Json) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < history.length; i++) expect(history[i].prevHash).toBe(history[i - 1].hash);
  });

  it('what the old version allowed and the stored one refuses is refused, and the other way round', async () => {
    const s = await new ChallengeDriver(h, p).create();
    await s.attachAll();
    const other = await h.otherWriter();
    // This process last saw the draft; the other submits it.
    const submitted = await other.send(p.issuer, s.id, { type: 'SUBMIT', confirmDetails: true });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);

    // The draft took edits, the submitted challenge takes none from the issuer.
    const edit = await h.send(p.issuer, s.id, { type: 'UPDATE', title: '提交后修改' });
    expect(edit.status).toBe(422);
    expect(edit.body.error.code).toBe('EVENT_NOT_ALLOWED');
    // The district could not even see the draft; it recommends the submitted challenge.
    const recommended = await h.send(p.district, s.id, { type: 'RECOMMEND', opinion: '同意推荐' });
    expect(recommended.status, JSON.stringify(recommended.body)).toBe(200);
    expect(recommended.body.state).toEqual({ review: 'formalCheck' });
    expect((await s.view()).version).toBe(submitted.body.version + 1);
  });
});
