/**
 * The end-to-end world: a server process, a programme whose windows are open *now* (the real
 * clock is past wlmq-2026's windows), the guide's cast with their tokens, and a driver that
 * sends one challenge's events over HTTP and keeps a journal of what it expects the history to
 * hold. It reuses the data of test/helpers/fixtures.ts (units, people, drafts).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { eventHash, GENESIS_HASH } from '../../src/engine/canonical.js';
import { EXPERTS, TECH_ATTACHMENTS, UNITS } from '../helpers/fixtures.js';
import { pdfOf } from '../helpers/uploads.js';
import {
  clockSchema,
  errorSchema,
  type HistoryEntry,
  HttpClient,
  healthSchema,
  historySchema,
  programmeSchema,
  type Reply,
  tokenSchema,
  type View,
  viewSchema,
} from './http-client.js';
import { ServerProcess } from './server-process.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Party {
  role: string;
  token: string;
}

export interface Cast {
  admin: Party;
  issuer: Party;
  district: Party;
  bureau: Party;
  solverA: Party;
  finance: Party;
  auditor: Party;
  experts: Party[];
}

export interface World {
  server: ServerProcess;
  http: HttpClient;
  cast: Cast;
  programmeId: string;
}

export type ChallengeEvent = { type: string } & Record<string, unknown>;

/** The server's clock (GET /health): real time, plus whatever the test clock was moved by. */
export async function serverNow(http: HttpClient): Promise<Date> {
  const health = await http.ok(healthSchema, 'GET', '/health', '');
  return new Date(health.time);
}

/** `YYYY-MM-DD` in Beijing time. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * HOUR_MS).toISOString().slice(0, 10);
}

/** Moves the server's test clock forward to `instant`; due timers fire on the way. */
export async function advanceClockTo(world: World, instant: string): Promise<{ now: string; fired: number }> {
  return world.http.ok(clockSchema, 'POST', '/api/v1/test/clock', world.cast.admin.token, {
    now: new Date(instant).toISOString(),
  });
}

/**
 * wlmq-2026's settings with windows around the server's now: submission opened an hour ago and
 * closes in 10 days, recommendation 2 days after that.
 */
async function putProgramme(http: HttpClient, adminToken: string, id: string): Promise<void> {
  const now = (await serverNow(http)).getTime();
  const closesAt = now + 10 * DAY_MS;
  const programme = await http.ok(programmeSchema, 'PUT', `/api/v1/programmes/${id}`, adminToken, {
    ...wlmq2026,
    name: `${wlmq2026.name}（端到端测试 ${id}）`,
    submission: { opensAt: new Date(now - HOUR_MS).toISOString(), closesAt: new Date(closesAt).toISOString() },
    recommendationClosesAt: new Date(closesAt + 2 * DAY_MS).toISOString(),
  });
  if (programme.id !== id) throw new Error(`PUT programme ${id} answered ${programme.id}`);
}

/** Registers the units and people the walks need and issues a token per role (as the admin). */
async function registerCast(http: HttpClient, adminToken: string): Promise<Cast> {
  const put = (path: string, body: Record<string, unknown>) =>
    http.request('PUT', path, adminToken, body).then((r) => {
      if (r.status !== 200) throw new Error(`PUT ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    });
  await put(`/api/v1/units/${UNITS.issuer}`, {
    name: '新疆某装备制造有限公司',
    type: 'enterprise',
    inCity: true,
    legalPerson: true,
  });
  await put(`/api/v1/units/${UNITS.district}`, {
    name: '乌鲁木齐市某区科技局',
    type: 'districtDept',
    inCity: true,
    legalPerson: true,
  });
  await put(`/api/v1/units/${UNITS.solverA}`, { name: '某大学', type: 'university', inCity: false, legalPerson: true });
  await put(`/api/v1/units/${UNITS.experts}`, { name: '专家库', type: 'other', inCity: true, legalPerson: true });
  const people: [string, string][] = [
    ['p-lead', UNITS.issuer],
    ['p-m1', UNITS.issuer],
    ['p-m2', UNITS.issuer],
    ['a-lead', UNITS.solverA],
    ['a-m1', UNITS.solverA],
    ...EXPERTS.map((e): [string, string] => [e, UNITS.experts]),
  ];
  for (const [id, unit] of people) await put(`/api/v1/persons/${id}`, { name: id, unit });
  const issue = async (role: string, scope: Record<string, string> = {}): Promise<Party> => {
    const body = await http.ok(tokenSchema, 'POST', '/api/v1/tokens', adminToken, {
      role,
      label: `e2e ${role}`,
      ...scope,
    });
    return { role, token: body.token };
  };
  const experts: Party[] = [];
  for (const person of EXPERTS) experts.push(await issue('expert', { person }));
  return {
    admin: { role: 'admin', token: adminToken },
    issuer: await issue('issuer', { unit: UNITS.issuer }),
    district: await issue('district', { unit: UNITS.district }),
    bureau: await issue('bureau'),
    solverA: await issue('solver', { unit: UNITS.solverA }),
    finance: await issue('finance'),
    auditor: await issue('auditor'),
    experts,
  };
}

/** Registers a clean-up that runs when the test ends, pass or fail (vitest's `onTestFinished`). */
export type OnFinished = (fn: () => Promise<void>) => void;

/**
 * A fresh server on a fresh file, with a programme open now and the cast registered. The
 * server is killed and its file removed when the test finishes, even if it fails or the start
 * does; tests may run concurrently, each with its own world.
 */
export async function startWorld(onFinished: OnFinished): Promise<World> {
  const server = new ServerProcess();
  onFinished(() => server.dispose());
  await server.start();
  const http = new HttpClient(server);
  const programmeId = `e2e-${randomBytes(4).toString('hex')}`;
  await putProgramme(http, server.adminToken, programmeId);
  const cast = await registerCast(http, server.adminToken);
  return { server, http, cast, programmeId };
}

export interface BidSpec {
  bidId: string;
  route?: string;
  fundingCny: number;
}

/** One challenge, driven over HTTP. `journal` is the history the driver expects: type and actor role. */
export class ChallengeDriver {
  id = '';
  readonly journal: { type: string; role: string }[] = [];

  constructor(readonly world: World) {}

  private get cast(): Cast {
    return this.world.cast;
  }

  async create(draft: Record<string, unknown>): Promise<View> {
    const view = await this.world.http.ok(viewSchema, 'POST', '/api/v1/challenges', this.cast.issuer.token, draft);
    this.id = view.id;
    this.journal.push({ type: 'CREATE', role: 'issuer' });
    return view;
  }

  /** Uploads a small PDF labelled `label` as `party` and returns its SHA-256 (to name in an event). */
  async uploaded(party: Party, label: string): Promise<string> {
    const body = await this.world.http.upload(
      `/api/v1/challenges/${this.id}/attachments`,
      party.token,
      pdfOf(label),
      `${label}.pdf`,
      'application/pdf',
    );
    return (body as { sha256: string }).sha256;
  }

  send(party: Party, event: ChallengeEvent): Promise<Reply> {
    return this.world.http.request('POST', `/api/v1/challenges/${this.id}/events`, party.token, event);
  }

  /** Sends an event, throws unless it is accepted, and returns the view after it. */
  async ok(party: Party, event: ChallengeEvent): Promise<View> {
    const reply = await this.send(party, event);
    if (reply.status !== 200) throw new Error(`${event.type}: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.journal.push({ type: event.type, role: party.role });
    return viewSchema.parse(reply.body);
  }

  /** A timer's event the test expects in the history (the server fires it, not the driver). */
  expectSystemEvent(type: string): void {
    this.journal.push({ type, role: 'system' });
  }

  async view(party: Party = this.cast.bureau): Promise<View> {
    return this.world.http.ok(viewSchema, 'GET', `/api/v1/challenges/${this.id}`, party.token);
  }

  /** The view exactly as the server sends it, for equality before and after a restart. */
  async rawView(): Promise<unknown> {
    const reply = await this.world.http.request('GET', `/api/v1/challenges/${this.id}`, this.cast.bureau.token);
    expect(reply.status).toBe(200);
    return reply.body;
  }

  async history(): Promise<HistoryEntry[]> {
    const body = await this.world.http.ok(
      historySchema,
      'GET',
      `/api/v1/challenges/${this.id}/history`,
      this.cast.auditor.token,
    );
    return body.items;
  }

  async attachAll(kinds: readonly string[] = TECH_ATTACHMENTS): Promise<View> {
    let view: View | undefined;
    for (const kind of kinds)
      view = await this.ok(this.cast.issuer, {
        type: 'ATTACH',
        kind,
        sha256: await this.uploaded(this.cast.issuer, kind),
      });
    if (!view) throw new Error('no attachment kinds');
    return view;
  }

  bid(spec: BidSpec): Promise<View> {
    return this.ok(this.cast.solverA, {
      type: 'BID',
      bidId: spec.bidId,
      members: [UNITS.solverA],
      leader: 'a-lead',
      team: ['a-lead', 'a-m1'],
      plan: '采用有限元优化与热处理工艺改进',
      requestedFundingCny: spec.fundingCny,
      ...(spec.route ? { route: spec.route } : {}),
    });
  }

  agree(spec: BidSpec): Promise<View> {
    return this.ok(this.cast.issuer, { type: 'AGREE', bidId: spec.bidId, agreedFundingCny: spec.fundingCny });
  }
}

// -------------------------------------------------------------------------------------------
// Walks: stage by stage, each step asserting the state it leads to.

/** Create → collection → review → publication, demand approved (ready to publish). */
export async function walkToPublication(c: ChallengeDriver, draft: Record<string, unknown>): Promise<View> {
  const { cast } = c.world;
  const created = await c.create(draft);
  expect(created.state).toEqual({ collection: 'draft' });
  expect(created.programmeId).toBe(c.world.programmeId);
  expect((await c.attachAll()).state).toEqual({ collection: 'draft' });
  expect((await c.ok(cast.issuer, { type: 'SUBMIT', confirmDetails: true })).state).toEqual({
    review: 'awaitingRecommendation',
  });
  expect((await c.ok(cast.district, { type: 'RECOMMEND', opinion: '同意推荐' })).state).toEqual({
    review: 'formalCheck',
  });
  expect((await c.ok(cast.bureau, { type: 'PASS_FORMAL_CHECK', opinion: '形式审查通过' })).state).toEqual({
    publication: 'demandReview',
  });
  const approved = await c.ok(cast.bureau, { type: 'APPROVE_DEMAND', opinion: '需求评审通过' });
  expect(approved.state).toEqual({ publication: 'approved' });
  return approved;
}

/** Publication → matching, bidding open until `biddingClosesAt` (a BIDDING_CLOSED timer 1 ms after it). */
export async function publish(c: ChallengeDriver, biddingClosesAt: string): Promise<View> {
  const published = await c.ok(c.world.cast.bureau, { type: 'PUBLISH', biddingClosesAt });
  expect(published.state).toEqual({ matching: 'bidding' });
  expect(published.deadlines).toEqual([
    { type: 'BIDDING_CLOSED', dueAt: new Date(Date.parse(biddingClosesAt) + 1).toISOString() },
  ]);
  return published;
}

/** Create → … → matching, with bidding open for 30 days of server time. */
export async function walkToMatching(c: ChallengeDriver, draft: Record<string, unknown>): Promise<View> {
  await walkToPublication(c, draft);
  const now = await serverNow(c.world.http);
  return publish(c, new Date(now.getTime() + 30 * DAY_MS).toISOString());
}

/** Bids from solver A, each agreed by the issuer; the challenge stays in matching. */
export async function bidAndAgree(c: ChallengeDriver, bids: readonly BidSpec[]): Promise<View> {
  let view: View | undefined;
  for (const spec of bids) {
    expect((await c.bid(spec)).state).toEqual({ matching: 'bidding' });
    view = await c.agree(spec);
    expect(view.state).toEqual({ matching: 'bidding' });
  }
  if (!view) throw new Error('no bids');
  return view;
}

/** Expert review (panel of five, every expert scores every bid) → announcement with `bidIds` selected. */
export async function reviewAndSelect(c: ChallengeDriver, bidIds: readonly string[]): Promise<View> {
  const { cast } = c.world;
  expect((await c.ok(cast.bureau, { type: 'ASSIGN_PANEL', experts: [...EXPERTS] })).state).toEqual({
    expertReview: 'scoring',
  });
  for (const [i, expert] of cast.experts.entries())
    for (const bidId of bidIds) {
      const scored = await c.ok(expert, {
        type: 'SCORE',
        bidId,
        score: 70 + i * 5,
        comment: '方案可行',
        noConflictDeclared: true,
      });
      expect(scored.state).toEqual({ expertReview: 'scoring' });
    }
  const announced = await c.ok(cast.bureau, { type: 'SELECT', bidIds: [...bidIds] });
  expect(announced.state).toEqual({ announcement: 'notice' });
  expect(announced.tracks.map((t) => t.trackId)).toEqual([...bidIds]);
  return announced;
}

/** Announcement → disbursement: the test clock runs out the notice period and its timer fires. */
export async function runOutTheNotice(c: ChallengeDriver): Promise<View> {
  const announced = await c.view();
  expect(announced.state).toEqual({ announcement: 'notice' });
  const notice = announced.deadlines.find((d) => d.type === 'NOTICE_PERIOD_ENDED');
  if (!notice) throw new Error(`no notice deadline: ${JSON.stringify(announced.deadlines)}`);
  // A minute before the notice ends nothing fires; at its due time the timer fires. (The test
  // clock keeps running in real time, so "a millisecond before" would not stay before.)
  const before = await advanceClockTo(c.world, new Date(Date.parse(notice.dueAt) - 60_000).toISOString());
  expect(before.fired).toBe(0);
  expect((await c.view()).state).toEqual({ announcement: 'notice' });
  const ended = await advanceClockTo(c.world, notice.dueAt);
  expect(ended.fired).toBe(1);
  c.expectSystemEvent('NOTICE_PERIOD_ENDED');
  const funding = await c.view();
  expect(funding.state).toEqual({ disbursement: 'funding' });
  return funding;
}

/** Expert review → announcement → disbursement. */
export async function reviewAndAnnounce(c: ChallengeDriver, bidIds: readonly string[]): Promise<View> {
  await reviewAndSelect(c, bidIds);
  return runOutTheNotice(c);
}

/** Starts implementation today (server time) → management. */
export async function startImplementation(c: ChallengeDriver): Promise<View> {
  const startedOn = beijingDate(await serverNow(c.world.http));
  const managed = await c.ok(c.world.cast.bureau, { type: 'START_IMPLEMENTATION', startedOn });
  expect(managed.state).toEqual({ management: 'implementing' });
  expect(managed.details.startedOn).toBe(startedOn);
  return managed;
}

/** Moves the test clock to the planned end's PERIOD_ENDED deadline: the timer moves the challenge to evaluation. */
export async function runOutThePeriod(c: ChallengeDriver): Promise<View> {
  const managed = await c.view();
  const periodEnd = managed.deadlines.find((d) => d.type === 'PERIOD_ENDED');
  if (!periodEnd) throw new Error(`no PERIOD_ENDED deadline: ${JSON.stringify(managed.deadlines)}`);
  expect(Date.parse(periodEnd.dueAt)).toBeGreaterThan(Date.parse(String(managed.details.plannedEnd)));
  const moved = await advanceClockTo(c.world, periodEnd.dueAt);
  expect(moved.fired).toBe(1);
  c.expectSystemEvent('PERIOD_ENDED');
  const evaluating = await c.view();
  expect(evaluating.state).toEqual({ evaluation: 'awaitingReport' });
  return evaluating;
}

/**
 * The history holds every event the journal expects, in order, with the right actor roles;
 * seq runs 1…n; each prevHash is the previous hash (the first is the genesis hash) and each
 * hash is sha256(prevHash ‖ canonical JSON of the row), recomputed here from what the API shows.
 */
export async function expectCompleteHistory(c: ChallengeDriver): Promise<HistoryEntry[]> {
  const [items, view] = [await c.history(), await c.view()];
  expect(items.map((e) => ({ type: e.type, role: e.actor.role }))).toEqual(c.journal);
  expect(items.map((e) => e.seq)).toEqual(items.map((_, i) => i + 1));
  expect(items.length).toBe(view.version);
  let prev = GENESIS_HASH;
  for (const e of items) {
    expect(e.prevHash).toBe(prev);
    const { seq, type, payload, facts, actor, at, machineVersion, stateAfter } = e;
    const fields = { challengeId: c.id, seq, type, payload, facts, actor, at, machineVersion, stateAfter };
    expect(e.hash).toBe(eventHash(e.prevHash, fields));
    prev = e.hash;
  }
  expect(items.at(-1)?.stateAfter).toEqual(view.state);
  return items;
}

/** The event is refused with 422 `code` citing `clause`, and the challenge does not change. */
export async function expectRefused(
  c: ChallengeDriver,
  party: Party,
  event: ChallengeEvent,
  clause: string,
  code = 'RULE_VIOLATION',
): Promise<void> {
  const before = await c.view();
  const reply = await c.send(party, event);
  expect(reply.status).toBe(422);
  const { error } = errorSchema.parse(reply.body);
  expect(error.code).toBe(code);
  expect(error.violations?.map((v) => v.clause)).toContain(clause);
  expect((await c.view()).version).toBe(before.version);
}

/**
 * Disbursement → closed for a challenge with one track: contract, payment, 40 % of it
 * disbursed, implementation, the period runs out, final report, acceptance passed.
 */
export async function fundAndFinish(c: ChallengeDriver, trackId: string, paidCny: number): Promise<View> {
  const { cast } = c.world;
  const today = beijingDate(await serverNow(c.world.http));
  await c.ok(cast.bureau, { type: 'REGISTER_CONTRACT', trackId, contractNo: `HT-${trackId}`, registeredOn: today });
  await c.ok(cast.finance, {
    type: 'RECORD_PAYMENT',
    trackId,
    amountCny: paidCny,
    paidOn: today,
    evidenceSha256: await c.uploaded(cast.issuer, `payment ${trackId}`),
  });
  const disbursed = await c.ok(cast.finance, {
    type: 'DISBURSE',
    trackId,
    amountCny: Math.floor((paidCny * 40) / 100),
    phase: 'first',
  });
  expect(disbursed.state).toEqual({ disbursement: 'funding' });
  await startImplementation(c);
  await runOutThePeriod(c);
  const reported = await c.ok(cast.solverA, {
    type: 'SUBMIT_FINAL_REPORT',
    trackId,
    reportSha256: await c.uploaded(cast.solverA, `final report ${trackId}`),
  });
  expect(reported.state).toEqual({ evaluation: 'underReview' });
  const closed = await c.ok(cast.bureau, { type: 'ACCEPTANCE_DECISION', result: 'passed', opinion: '验收通过' });
  expect(closed.stage).toBe('closed');
  expect(closed.outcome?.kind).toBe('closed');
  return closed;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Reads the view until `done` holds or `timeoutMs` passes; returns the last view read. */
export async function pollView(c: ChallengeDriver, done: (v: View) => boolean, timeoutMs: number): Promise<View> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = await c.view();
    if (done(view) || Date.now() > until) return view;
    await sleep(200);
  }
}
