/**
 * The lifecycle driver: one challenge walked from create through the nine stages by the right
 * roles, written once for every test that needs a challenge somewhere in its life — the
 * integration tests and the golden paths (in-process, harness.ts) and the end-to-end tests (a
 * server process over HTTP, http-transport.ts). A test takes the challenge to the stage it
 * needs, then probes one rule with `send`.
 *
 * Each step sends one event as the role the process gives it and throws unless the service
 * accepts it; where the step's target state is fixed by the machine it asserts that state, so
 * a walk that goes astray fails at the step that went wrong. Deadlines are run out on the test
 * clock (`runOut`), and every event accepted or fired is kept in `journal`, the history the
 * driver expects the service to hold (`expectCompleteHistory`).
 */
import { expect } from 'vitest';
import { eventHash, GENESIS_HASH } from '../../src/engine/canonical.js';
import { TECH_ATTACHMENTS, TRANSFER_ATTACHMENTS } from './drafts.js';
import { bidBody, CAST_PERSONS, EXPERTS, type Parties, registerPerson, techDraft } from './fixtures.js';
import type { Json, Reply } from './harness.js';
import { expectRefused as expectRuleRefusal } from './replies.js';
import { type HistoryEntry, historySchema, summarySchema, viewSchema } from './schemas.js';
import { beijingDate, type ClockMove, moveClockTo, serviceNow, succeeded, type Transport } from './transport.js';
import { pdfOf } from './uploads.js';

export type ChallengeEvent = { type: string } & Record<string, unknown>;

/** What every expert gives every bid: one score, or a score by the expert's place on the panel. */
export type Scores = number | ((panelPlace: number) => number);

/** A bid of a walk: solverA's standard bid (`bidBody`), on `route` in a horse race, asking and agreed at `fundingCny`. */
export interface BidSpec {
  bidId: string;
  route?: string | undefined;
  /** What the issuer agrees to fund (AGREE); the bid itself requests the standard 3,000,000. */
  fundingCny?: number;
}

export interface DriverOptions {
  /** The issuer's token: the cast's issuer unless the challenge belongs to another unit. */
  issuer?: string;
  /**
   * Whose people the drafts and bids name. 'own' (the default): this driver's copies of the
   * cast's people (`p-lead` becomes `p-lead.7`, on the same unit), for tests that share one
   * database — §4 counts a person's applications across the whole programme (L-2b), so people
   * shared by every test would couple them. 'cast': the cast's people as registered, for a
   * service of the test's own (an end-to-end test's server), whose bodies name them as they are.
   */
  people?: 'own' | 'cast';
}

/** One entry of the history a driver expects: the event's type and its sender's role. */
export interface JournalEntry {
  type: string;
  role: string;
}

/** The role each token of the cast holds: what the history records as the actor's role. */
const ROLE_OF_PARTY: Record<Exclude<keyof Parties, 'experts'>, string> = {
  issuer: 'issuer',
  district: 'district',
  bureau: 'bureau',
  solverA: 'solver',
  solverB: 'solver',
  solverC: 'solver',
  finance: 'finance',
  auditor: 'auditor',
};

/**
 * The dates the in-process walks put on contracts, payments and the start of implementation.
 * Their harness starts on 2026-05-06, inside wlmq-2026's submission window; these fall after the
 * notice periods the walks run out, and they are fixed so that the golden histories record the
 * same payloads every time. End-to-end tests run on real time and pass `await driver.today()`.
 */
export const WALK_DATES = { contractOn: '2026-07-20', paidOn: '2026-07-21', startedOn: '2026-08-01' } as const;

const DAY_MS = 86_400_000;
/**
 * How long before a deadline `runOut` checks that nothing has fired yet: over HTTP the test
 * clock keeps running in real time, so "a millisecond before" would not stay before.
 */
const PROBE_BEFORE_MS = 60_000;
const STANDARD_FUNDING_CNY = 3_000_000;

let drivers = 0;

export class ChallengeDriver {
  /** The challenge's id once created; set it to drive a challenge created elsewhere. */
  id = '';
  /** Every event this driver had accepted and every deadline it ran out, in order. */
  readonly journal: JournalEntry[] = [];
  /** The issuer's token: creates, attaches, submits, agrees. */
  readonly issuer: string;
  private readonly people: 'own' | 'cast';
  /**
   * Numbers this driver's copies of the cast's people: 1, 2, … in the order drivers are made in
   * this process, so the golden paths, each recorded on a fresh database, name the same people
   * (`p-lead.1`, `p-lead.2`, …) every time they are recorded.
   */
  private readonly tag = ++drivers;
  private readonly registeredCopies = new Set<string>();

  constructor(
    readonly transport: Transport,
    readonly p: Parties,
    options: DriverOptions = {},
  ) {
    this.issuer = options.issuer ?? p.issuer;
    this.people = options.people ?? 'own';
  }

  // ---------------------------------------------------------------------------------------
  // People, requests and reads.

  /**
   * The person a body names for the cast person `id`: with 'own' people this driver's copy
   * (registered on first use), one per bid for a bid's team (`scope` = the bidId) so parallel
   * bids are different teams; any other id, and every id with 'cast' people, unchanged.
   */
  async person(id: string, scope?: string): Promise<string> {
    const unitCode = CAST_PERSONS[id];
    if (this.people === 'cast' || unitCode === undefined) return id;
    const copy = scope === undefined ? `${id}.${this.tag}` : `${id}.${this.tag}.${scope}`;
    if (!this.registeredCopies.has(copy)) {
      await registerPerson(this.transport, copy, unitCode);
      this.registeredCopies.add(copy);
    }
    return copy;
  }

  /** The body with its leader and team (draft, UPDATE or BID) mapped through `person`. */
  async withOwnPeople<T extends Record<string, unknown>>(body: T): Promise<T> {
    const out: Record<string, unknown> = { ...body };
    const scope = body.type === 'BID' && typeof body.bidId === 'string' ? body.bidId : undefined;
    if (typeof body.leader === 'string') out.leader = await this.person(body.leader, scope);
    if (Array.isArray(body.team)) out.team = await Promise.all(body.team.map((id) => this.person(String(id), scope)));
    return out as T;
  }

  /** POST /challenges/:id/events as `token`, whatever the answer; an accepted event joins the journal. */
  async send(token: string, event: ChallengeEvent, headers?: Record<string, string>): Promise<Reply> {
    const body = event.type === 'BID' || event.type === 'UPDATE' ? await this.withOwnPeople(event) : event;
    const reply = await this.transport.request('POST', `/api/v1/challenges/${this.id}/events`, token, body, headers);
    if (reply.status === 200) this.journal.push({ type: event.type, role: this.roleOf(token) });
    return reply;
  }

  /**
   * Sends, throws unless the event is accepted, and returns the view after it as `token` reads
   * it: the answer is the view without `details`, so the details are read with GET, and the
   * answer must be exactly the GET's view without them.
   */
  async ok(token: string, event: ChallengeEvent): Promise<Json> {
    const summary = summarySchema.parse(await succeeded(this.send(token, event), event.type));
    const view = await this.view(token);
    const { details: _details, ...rest } = view;
    expect(summary).toEqual(rest);
    return view;
  }

  /**
   * Sends an event the service must refuse and proves the refusal changed nothing (version,
   * state, details); returns the reply, for the test to check why it was refused.
   */
  async refused(token: string, event: ChallengeEvent): Promise<Reply> {
    const before = await this.view();
    const reply = await this.send(token, event);
    expect(reply.status, JSON.stringify(reply.body)).toBeGreaterThanOrEqual(400);
    const after = await this.view();
    expect(after.version).toBe(before.version);
    expect(after.state).toEqual(before.state);
    expect(after.details).toEqual(before.details);
    return reply;
  }

  /** `refused` by `clause`: 422 RULE_VIOLATION naming it, in English and Chinese. */
  async expectRefused(token: string, event: ChallengeEvent, clause: string): Promise<Reply> {
    const reply = await this.refused(token, event);
    expectRuleRefusal(reply, clause);
    return reply;
  }

  /** The challenge as `token` sees it (the bureau by default), exactly as the service sent it. */
  async view(token = this.p.bureau): Promise<Json> {
    return checkedView(await succeeded(this.transport.request('GET', `/api/v1/challenges/${this.id}`, token), 'view'));
  }

  /** The challenge's history as `token` reads it (the auditor by default). */
  async history(token = this.p.auditor): Promise<HistoryEntry[]> {
    const body = await succeeded(
      this.transport.request('GET', `/api/v1/challenges/${this.id}/history`, token),
      'history',
    );
    return historySchema.parse(body).items;
  }

  /** Uploads a small PDF labelled `label` to the challenge as `token`; returns its SHA-256, for an event to name (P-7). */
  async uploaded(token: string, label: string): Promise<string> {
    const file = { content: pdfOf(label), filename: `${label}.pdf`, contentType: 'application/pdf' };
    const body = await succeeded(this.transport.upload(this.id, token, file), `upload ${label}`);
    return body.sha256 as string;
  }

  /** Today in Beijing on the service's clock: the date a walk on real time puts on contracts and starts. */
  async today(): Promise<string> {
    return beijingDate(await serviceNow(this.transport));
  }

  /** Moves the service's test clock forward to `instant`; due timers fire on the way. */
  clockTo(instant: string): Promise<ClockMove> {
    return moveClockTo(this.transport, instant);
  }

  /** A timer's event the test expects in the history: the service fired it by itself, not the driver. */
  expectSystemEvent(type: string): void {
    this.journal.push({ type, role: 'system' });
  }

  // ---------------------------------------------------------------------------------------
  // Steps: one event each, in the order of the process.

  /** 1 榜单征集: the issuer's draft (`techDraft()` unless given), in collection. */
  async create(draft: Record<string, unknown> = techDraft()): Promise<this> {
    const body = await this.withOwnPeople(draft);
    const view = checkedView(
      await succeeded(this.transport.request('POST', '/api/v1/challenges', this.issuer, body), 'create'),
    );
    this.id = view.id;
    this.journal.push({ type: 'CREATE', role: 'issuer' });
    expect(view.state, 'CREATE').toEqual({ collection: 'draft' });
    expect(view.programmeId).toBe(draft.programmeId);
    return this;
  }

  /** Attaches one file of each kind, each uploaded first: ATTACH names a hash uploaded to this challenge (P-7). */
  async attach(kinds: readonly string[]): Promise<this> {
    for (const kind of kinds) {
      const view = await this.ok(this.issuer, { type: 'ATTACH', kind, sha256: await this.uploaded(this.issuer, kind) });
      expect(view.state, 'ATTACH').toEqual({ collection: 'draft' });
    }
    return this;
  }

  /** Every attachment the draft's kind needs for SUBMIT, and the ethics review if it is ethics-sensitive. */
  async attachAll(): Promise<this> {
    const v = await this.view();
    const kinds = v.kind === 'techBreakthrough' ? TECH_ATTACHMENTS : TRANSFER_ATTACHMENTS;
    return this.attach(v.details.draft.ethicsSensitive ? [...kinds, 'ethicsReview'] : kinds);
  }

  /** Attaches everything, then SUBMIT → 2 审核推荐, awaiting the district's recommendation. */
  async submit(): Promise<this> {
    await this.attachAll();
    return this.submitAttached();
  }

  /** SUBMIT with the attachments already there (after `attachAll`, or again after a RETURN) → 2 审核推荐. */
  async submitAttached(): Promise<this> {
    await this.step(this.issuer, { type: 'SUBMIT', confirmDetails: true }, { review: 'awaitingRecommendation' });
    return this;
  }

  async recommend(opinion = '同意推荐'): Promise<this> {
    await this.step(this.p.district, { type: 'RECOMMEND', opinion }, { review: 'formalCheck' });
    return this;
  }

  /** → 3 榜单发布, the demand review. */
  async passFormalCheck(opinion = '形式审查通过'): Promise<this> {
    await this.step(this.p.bureau, { type: 'PASS_FORMAL_CHECK', opinion }, { publication: 'demandReview' });
    return this;
  }

  async approveDemand(opinion = '需求评审通过'): Promise<this> {
    await this.step(this.p.bureau, { type: 'APPROVE_DEMAND', opinion }, { publication: 'approved' });
    return this;
  }

  /** → 4 揭榜对接, bidding open until `biddingClosesAt` (its timer 1 ms after it). */
  async publish(biddingClosesAt: string): Promise<this> {
    const view = await this.afterCollection(() =>
      this.step(this.p.bureau, { type: 'PUBLISH', biddingClosesAt }, { matching: 'bidding' }),
    );
    expect(view.deadlines).toEqual([
      { type: 'BIDDING_CLOSED', dueAt: new Date(Date.parse(biddingClosesAt) + 1).toISOString() },
    ]);
    return this;
  }

  /**
   * Runs `publish` after the demand collection of the challenge's programme has ended (W-4). The
   * walks run inside the 2026 window on a clock every test of a file shares, and later tests still
   * submit; so, as the bureau may, the collection is closed at this instant for the publication,
   * and the programme's window put back after it (challenges copy their settings when created,
   * so no other challenge sees the change).
   */
  async afterCollection<T>(publish: () => Promise<T>): Promise<T> {
    const t = this.transport;
    const programmeId = (await this.view()).programmeId as string;
    const url = `/api/v1/programmes/${programmeId}`;
    const settings = (await succeeded(t.request('GET', url, t.adminToken), 'programme')).settings as {
      submission: { opensAt: string; closesAt: string };
    };
    const now = await serviceNow(t);
    if (Date.parse(settings.submission.closesAt) < Date.parse(now)) return publish();
    const closed = {
      ...settings,
      submission: { ...settings.submission, closesAt: new Date(Date.parse(now) - 1).toISOString() },
    };
    await succeeded(t.request('PUT', url, t.adminToken, closed), 'close the collection');
    try {
      return await publish();
    } finally {
      await succeeded(t.request('PUT', url, t.adminToken, settings), 'reopen the collection');
    }
  }

  /** The standard bid (`bidBody`) from `token`'s side, `extra` overriding its fields. */
  async bid(token: string, bidId: string, extra: Record<string, unknown> = {}): Promise<this> {
    await this.step(token, bidBody(bidId, extra), { matching: 'bidding' });
    return this;
  }

  async agree(bidId: string, agreedFundingCny = STANDARD_FUNDING_CNY): Promise<this> {
    await this.step(this.issuer, { type: 'AGREE', bidId, agreedFundingCny }, { matching: 'bidding' });
    return this;
  }

  /** Solver A bids each, the issuer agrees each; bidding stays open. */
  async bidAndAgree(bids: readonly BidSpec[]): Promise<this> {
    for (const b of bids) {
      // The bid asks for what will be agreed: an agreement above the request is refused (P-5).
      await this.bid(this.p.solverA, b.bidId, {
        ...(b.route ? { route: b.route } : {}),
        ...(b.fundingCny === undefined ? {} : { requestedFundingCny: b.fundingCny }),
      });
      await this.agree(b.bidId, b.fundingCny ?? STANDARD_FUNDING_CNY);
    }
    return this;
  }

  /** → 5 专家评榜, the panel to be assigned. */
  async closeMatching(): Promise<this> {
    await this.step(this.p.bureau, { type: 'CLOSE_MATCHING' }, { expertReview: 'panelPending' });
    return this;
  }

  async assignPanel(experts: readonly string[] = EXPERTS): Promise<this> {
    await this.step(this.p.bureau, { type: 'ASSIGN_PANEL', experts }, { expertReview: 'scoring' });
    return this;
  }

  /** Every expert of the panel scores every bid: `score`, or the score of the expert's place on the panel. */
  async scoreAll(bidIds: readonly string[], score: Scores = 80): Promise<this> {
    for (const [place, expert] of EXPERTS.entries())
      for (const bidId of bidIds) {
        const event = {
          type: 'SCORE',
          bidId,
          score: typeof score === 'number' ? score : score(place),
          comment: '方案可行',
          noConflictDeclared: true,
        };
        await this.step(this.p.experts[expert] as string, event, { expertReview: 'scoring' });
      }
    return this;
  }

  /** → 6 开榜公告: the notice period of the selected bids, one track each. */
  async select(bidIds: readonly string[]): Promise<this> {
    const view = await this.step(this.p.bureau, { type: 'SELECT', bidIds }, { announcement: 'notice' });
    expect(view.tracks.map((t: Json) => t.trackId)).toEqual([...bidIds]);
    return this;
  }

  /**
   * Runs out one of the challenge's deadlines on the test clock: a minute before it nothing has
   * fired, at its due time exactly one event — the timer's — joins the history.
   */
  async runOut(deadline: string): Promise<this> {
    await runOutTogether([this], deadline);
    return this;
  }

  /** → 7 资金拨付, by letting the notice period run out. */
  async runOutTheNotice(): Promise<this> {
    await runOutTheNotices([this]);
    return this;
  }

  /** The track's technology contract. */
  async registerContract(
    trackId: string,
    {
      contractNo = `HT-${trackId}`,
      registeredOn = WALK_DATES.contractOn,
    }: { contractNo?: string; registeredOn?: string } = {},
  ): Promise<this> {
    await this.ok(this.p.bureau, { type: 'REGISTER_CONTRACT', trackId, contractNo, registeredOn });
    return this;
  }

  /** A RECORD_PAYMENT of the issuer's money to the track, its evidence (labelled `evidence`) uploaded first (P-7). */
  async payment(
    trackId: string,
    amountCny: number,
    {
      paidOn = WALK_DATES.paidOn,
      evidence = `pay-${trackId}-${amountCny}`,
    }: { paidOn?: string; evidence?: string } = {},
  ): Promise<ChallengeEvent> {
    const evidenceSha256 = await this.uploaded(this.issuer, evidence);
    return { type: 'RECORD_PAYMENT', trackId, amountCny, paidOn, evidenceSha256 };
  }

  /** Finance records the payment (`payment`). */
  async pay(trackId: string, amountCny: number, options: { paidOn?: string; evidence?: string } = {}): Promise<this> {
    await this.ok(this.p.finance, await this.payment(trackId, amountCny, options));
    return this;
  }

  async disburse(trackId: string, amountCny: number, phase: 'first' | 'later' = 'first'): Promise<this> {
    await this.ok(this.p.finance, { type: 'DISBURSE', trackId, amountCny, phase });
    return this;
  }

  /** → 8 项目管理, implementation started on `startedOn`. */
  async startImplementation(startedOn: string = WALK_DATES.startedOn): Promise<this> {
    const view = await this.step(
      this.p.bureau,
      { type: 'START_IMPLEMENTATION', startedOn },
      { management: 'implementing' },
    );
    expect(view.details.startedOn).toBe(startedOn);
    return this;
  }

  /** Every track's contract registered, then implementation started: disbursement → management. */
  async registerContractsAndStart(startedOn: string = WALK_DATES.startedOn): Promise<this> {
    for (const t of (await this.view()).tracks) await this.registerContract(t.trackId);
    return this.startImplementation(startedOn);
  }

  async reportProgress(trackId: string, milestone = 'M1', text = '完成设计'): Promise<this> {
    await this.ok(this.p.solverA, { type: 'REPORT_PROGRESS', trackId, milestone, text });
    return this;
  }

  /** The bureau's midterm decision on a track of a horse race (H-5): it goes on, or it stops. */
  async decideMidterm(trackId: string, decision: 'continue' | 'stop', opinion: string): Promise<this> {
    await this.ok(this.p.bureau, { type: 'MIDTERM_DECISION', trackId, decision, opinion });
    return this;
  }

  /** → 9 总结评价, by letting the planned end pass (its timer fires just after the end's Beijing day). */
  async runOutThePeriod(): Promise<this> {
    const managed = await this.view();
    const periodEnd = managed.deadlines.find((d: Json) => d.type === 'PERIOD_ENDED');
    if (!periodEnd) throw new Error(`no PERIOD_ENDED deadline: ${JSON.stringify(managed.deadlines)}`);
    expect(Date.parse(periodEnd.dueAt)).toBeGreaterThan(Date.parse(String(managed.details.plannedEnd)));
    await this.runOut('PERIOD_ENDED');
    expect((await this.view()).state).toEqual({ evaluation: 'awaitingReport' });
    return this;
  }

  /** A SUBMIT_FINAL_REPORT of the track, its report (labelled `label`) uploaded by solver A first (P-7). */
  async finalReport(trackId: string, label = `final report ${trackId}`): Promise<ChallengeEvent> {
    return { type: 'SUBMIT_FINAL_REPORT', trackId, reportSha256: await this.uploaded(this.p.solverA, label) };
  }

  /** Solver A submits the track's final report (`finalReport`). */
  async submitFinalReport(trackId: string, label?: string): Promise<this> {
    await this.ok(this.p.solverA, await this.finalReport(trackId, label));
    return this;
  }

  async decideAcceptance(result: 'passed' | 'rectify' | 'failed', opinion: string): Promise<this> {
    await this.ok(this.p.bureau, { type: 'ACCEPTANCE_DECISION', result, opinion });
    return this;
  }

  // ---------------------------------------------------------------------------------------
  // Walks: from a created draft to the start of a stage.

  /** → 3 榜单发布, in the demand review. */
  async toPublication(): Promise<this> {
    await this.submit();
    await this.recommend();
    return this.passFormalCheck();
  }

  /** → 4 揭榜对接, bidding open for `biddingDays` days from the service's now. */
  async toMatching(biddingDays = 30): Promise<this> {
    await this.toPublication();
    await this.approveDemand();
    const closes = new Date(Date.parse(await serviceNow(this.transport)) + biddingDays * DAY_MS).toISOString();
    return this.publish(closes);
  }

  /** → 5 专家评榜 with `bids` agreed (routes for a horse race). */
  async toExpertReview(bids: readonly BidSpec[] = [{ bidId: 'bid-1' }]): Promise<this> {
    await this.toMatching();
    await this.bidAndAgree(bids);
    return this.closeMatching();
  }

  /** Expert review → 6 开榜公告: the default panel scores every bid (`score`), then the bids are selected. */
  async reviewAndSelect(bidIds: readonly string[], score: Scores = 80): Promise<this> {
    await this.assignPanel();
    await this.scoreAll(bidIds, score);
    return this.select(bidIds);
  }

  /** → 6 开榜公告, `bids` selected. */
  async toAnnouncement(bids: readonly BidSpec[] = [{ bidId: 'bid-1' }]): Promise<this> {
    await this.toExpertReview(bids);
    return this.reviewAndSelect(bids.map((b) => b.bidId));
  }

  /** → 7 资金拨付. */
  async toDisbursement(bids?: readonly BidSpec[]): Promise<this> {
    await this.toAnnouncement(bids);
    return this.runOutTheNotice();
  }

  /** → 8 项目管理: contracts registered, implementation started on `startedOn`. */
  async toManagement(bids?: readonly BidSpec[], startedOn: string = WALK_DATES.startedOn): Promise<this> {
    await this.toDisbursement(bids);
    return this.registerContractsAndStart(startedOn);
  }

  /**
   * Disbursement → closed, for a challenge with one track, on today's date: contract, payment,
   * 40 % of it disbursed (Q-1b), implementation, the period runs out, final report, acceptance passed.
   */
  async fundAndFinish(trackId: string, paidCny: number): Promise<this> {
    const today = await this.today();
    await this.registerContract(trackId, { registeredOn: today });
    await this.pay(trackId, paidCny, { paidOn: today, evidence: `payment ${trackId}` });
    await this.disburse(trackId, Math.floor((paidCny * 40) / 100));
    expect((await this.view()).state).toEqual({ disbursement: 'funding' });
    await this.startImplementation(await this.today());
    await this.runOutThePeriod();
    await this.submitFinalReport(trackId);
    expect((await this.view()).state).toEqual({ evaluation: 'underReview' });
    await this.decideAcceptance('passed', '验收通过');
    const closed = await this.view();
    expect(closed.stage).toBe('closed');
    expect(closed.outcome?.kind).toBe('closed');
    return this;
  }

  // ---------------------------------------------------------------------------------------
  // The history.

  /**
   * The history holds every event the journal expects, in order, with the right actor roles;
   * seq runs 1…n; each prevHash is the previous hash (the first is the genesis hash) and each
   * hash is sha256(prevHash ‖ canonical JSON of the row), recomputed here from what the API shows.
   */
  async expectCompleteHistory(): Promise<HistoryEntry[]> {
    const [items, view] = [await this.history(), await this.view()];
    expect(items.map((e) => ({ type: e.type, role: e.actor.role }))).toEqual(this.journal);
    expect(items.map((e) => e.seq)).toEqual(items.map((_, i) => i + 1));
    expect(items.length).toBe(view.version);
    let prev = GENESIS_HASH;
    for (const e of items) {
      expect(e.prevHash).toBe(prev);
      const { seq, type, payload, facts, actor, at, machineVersion, stateAfter } = e;
      const fields = { challengeId: this.id, seq, type, payload, facts, actor, at, machineVersion, stateAfter };
      expect(e.hash).toBe(eventHash(e.prevHash, fields));
      prev = e.hash;
    }
    expect(items.at(-1)?.stateAfter).toEqual(view.state);
    return items;
  }

  // ---------------------------------------------------------------------------------------

  /** Sends an accepted event and asserts the state the machine leads it to. */
  private async step(token: string, event: ChallengeEvent, state: unknown): Promise<Json> {
    const view = await this.ok(token, event);
    expect(view.state, event.type).toEqual(state);
    return view;
  }

  /** The role the history will name for a token of the cast. */
  private roleOf(token: string): string {
    if (token === this.issuer) return 'issuer';
    if (Object.values(this.p.experts).includes(token)) return 'expert';
    const party = (Object.keys(ROLE_OF_PARTY) as (keyof typeof ROLE_OF_PARTY)[]).find((k) => this.p[k] === token);
    return party === undefined ? 'unknown' : ROLE_OF_PARTY[party];
  }
}

/**
 * Runs out the same deadline of several challenges with one move of their service's clock, to
 * the latest of them: the clock only moves forward and fires every timer on the way, so tests
 * that share a service walk their challenges up to the deadline first, then run it out once.
 * A minute before the earliest nothing has fired; after the move each challenge has exactly
 * one more event, the timer's.
 */
export async function runOutTogether(drivers: readonly ChallengeDriver[], deadline: string): Promise<void> {
  const [first] = drivers;
  if (first === undefined) throw new Error('no challenge to run a deadline out for');
  const before = await Promise.all(drivers.map((d) => d.view()));
  const dues = before.map((view) => {
    const due = view.deadlines.find((d: Json) => d.type === deadline);
    if (!due) throw new Error(`${view.id} has no ${deadline} deadline: ${JSON.stringify(view.deadlines)}`);
    return Date.parse(due.dueAt);
  });
  await first.clockTo(new Date(Math.min(...dues) - PROBE_BEFORE_MS).toISOString());
  for (const [i, d] of drivers.entries())
    expect((await d.view()).version, `nothing fires before ${deadline}`).toBe(before[i]?.version);
  await first.clockTo(new Date(Math.max(...dues)).toISOString());
  for (const [i, d] of drivers.entries()) {
    expect((await d.view()).version, `${deadline} fires once`).toBe(before[i]?.version + 1);
    d.expectSystemEvent(deadline);
  }
}

/** Announcement → 7 资金拨付 for challenges announced together (`runOutTogether`). */
export async function runOutTheNotices(drivers: readonly ChallengeDriver[]): Promise<void> {
  await runOutTogether(drivers, 'NOTICE_PERIOD_ENDED');
  for (const d of drivers) expect((await d.view()).state).toEqual({ disbursement: 'funding' });
}

/** A view's body, unchanged, once its shape is checked (tests compare views exactly as sent). */
function checkedView(body: Json): Json {
  viewSchema.parse(body);
  return body;
}
