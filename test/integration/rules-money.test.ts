/**
 * Stage 7 (资金拨付) and the money rules that follow a challenge into management: the contract
 * gate, tranches against recorded payments, the 40 % share per track and cumulative
 * (Q-1b), the per-challenge cap (Q-1c), the horse race's first phase and later funding (H-4,
 * H-5), unknown tracks (P-1), and who may record the challenge money.
 *
 * Each describe walks its challenges to disbursement together on one harness (the clock stands
 * still while they are walked, so one clock move ends every notice period), and each test then
 * works on a challenge of its own: the tests do not depend on one another or on their order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReconciliation } from '../../src/engine/audit/export.js';
import {
  horseRace,
  type Parties,
  registerParties,
  techDraft,
  token,
  transferDraft,
  UNITS,
} from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { type BidSpec, ChallengeDriver, runOutTheNotices } from '../helpers/lifecycle.js';
import { expectRefused } from '../helpers/replies.js';

type Bids = BidSpec[];
type Event = { type: string } & Record<string, unknown>;

const ROUTE_A = horseRace.routes[0]?.name ?? '';
const ROUTE_B = horseRace.routes[1]?.name ?? '';
/** A horse race with two tracks, each agreed at `funding`. */
const race = (funding = 3_000_000): Bids => [
  { bidId: 'race-a', route: ROUTE_A, fundingCny: funding },
  { bidId: 'race-b', route: ROUTE_B, fundingCny: funding },
];

interface Spec {
  /** A techBreakthrough with one track unless said otherwise. */
  bids?: Bids;
  /** An achievementTransfer taken up by the in-city enterprise solverC. */
  transfer?: boolean;
}

interface World<K extends string> {
  h: Harness;
  p: Parties;
  /** The achievementTransfer issuer's token (the achievement holder). */
  holder: string;
  s: Record<K, ChallengeDriver>;
}

/** An achievementTransfer challenge, matched with the in-city enterprise solverC, to announcement. */
async function transferToAnnouncement(s: ChallengeDriver, p: Parties): Promise<void> {
  await s.create(transferDraft());
  await s.toMatching();
  await s.bid(p.solverC, 'bid-1', {
    members: [UNITS.solverC],
    leader: 'c-lead',
    team: ['c-lead'],
    plan: '在市内生产线完成中试与量产转化',
    requestedFundingCny: 4_000_000,
  });
  await s.agree('bid-1', 4_000_000);
  await s.closeMatching();
  await s.reviewAndSelect(['bid-1']);
}

/** A fresh harness with one challenge per spec, every one of them in disbursement. */
async function world<K extends string>(specs: Record<K, Spec>): Promise<World<K>> {
  const h = await startHarness();
  const p = await registerParties(h);
  const holder = await token(h, 'issuer', { unit: UNITS.transferHolder });
  const s = {} as Record<K, ChallengeDriver>;
  for (const name of Object.keys(specs) as K[]) {
    const spec = specs[name];
    if (spec.transfer) {
      s[name] = new ChallengeDriver(h, p, { issuer: holder });
      await transferToAnnouncement(s[name], p);
    } else {
      s[name] = new ChallengeDriver(h, p);
      await s[name].create(techDraft(spec.bids && spec.bids.length > 1 ? { horseRace } : {}));
      await s[name].toAnnouncement(spec.bids);
    }
  }
  await runOutTheNotices(Object.values<ChallengeDriver>(s));
  return { h, p, holder, s };
}

/** Registers the technology contract of every track of every challenge of a world. */
async function registerAllContracts(w: World<string>): Promise<void> {
  for (const s of Object.values<ChallengeDriver>(w.s))
    for (const t of (await s.view()).tracks) await s.registerContract(t.trackId);
}

/** Registers every track's contract and starts implementation: disbursement → management. */
const start = (s: ChallengeDriver) => s.registerContractsAndStart('2026-06-01');

const disburse = (trackId: string, amountCny: number, phase: 'first' | 'later' = 'first'): Event => ({
  type: 'DISBURSE',
  trackId,
  amountCny,
  phase,
});

/** A payment whose evidence was uploaded to the challenge first (P-7). */
const payment = (s: ChallengeDriver, trackId: string, amountCny: number, label = 'x'): Promise<Event> =>
  s.payment(trackId, amountCny, { paidOn: '2026-05-13', evidence: `evidence-${trackId}-${amountCny}-${label}` });

/** The distinct clauses of a refusal, sorted. */
function clausesOf(reply: Reply): string[] {
  const violations: Json[] = reply.body?.error?.violations ?? [];
  return [...new Set(violations.map((v) => v.clause as string))].sort();
}

function expectRuleViolation(reply: Reply, clauses: string[]): void {
  expect(reply.status).toBe(422);
  expect(reply.body.error.code).toBe('RULE_VIOLATION');
  expect(clausesOf(reply)).toEqual([...clauses].sort());
  expect(clauses).toContain(reply.body.error.clause);
}

/** Sends an event that must be refused by exactly `clauses`, and proves the refusal changed nothing. */
async function refused(s: ChallengeDriver, tokenValue: string, event: Event, clauses: string[]): Promise<Reply> {
  const reply = await s.refused(tokenValue, event);
  expectRuleViolation(reply, clauses);
  return reply;
}

const track = (view: Json, trackId: string): Json => view.tracks.find((t: Json) => t.trackId === trackId);

describe('Q-6 technology contract, P-1 unknown tracks, X-5 tranches', () => {
  let w: World<'disburse' | 'twice' | 'startRace' | 'unknown' | 'tranche'>;
  beforeAll(async () => {
    w = await world({
      disburse: {},
      twice: {},
      startRace: { bids: race() },
      unknown: {},
      tranche: {},
    });
  });
  afterAll(async () => w.h.close());

  it('refuses DISBURSE to a track whose contract is not registered (Q-6), accepts it once registered', async () => {
    const s = w.s.disburse;
    await s.ok(w.p.finance, await payment(s, 'bid-1', 1_000_000));
    const r = await refused(s, w.p.finance, disburse('bid-1', 1), ['Q-6']);
    expect(r.body.error.violations).toHaveLength(1);
    await s.registerContract('bid-1');
    const v = await s.ok(w.p.finance, disburse('bid-1', 1));
    expect(track(v, 'bid-1').disbursedCny).toBe(1);
  });

  it('registers a contract once: a second REGISTER_CONTRACT is refused (Q-6)', async () => {
    const s = w.s.twice;
    const first = await s.ok(w.p.bureau, {
      type: 'REGISTER_CONTRACT',
      trackId: 'bid-1',
      contractNo: 'HT-2026-001',
      registeredOn: '2026-05-13',
    });
    expect(track(first, 'bid-1').contract).toEqual({ contractNo: 'HT-2026-001', registeredOn: '2026-05-13' });
    await refused(
      s,
      w.p.bureau,
      { type: 'REGISTER_CONTRACT', trackId: 'bid-1', contractNo: 'HT-2026-002', registeredOn: '2026-05-14' },
      ['Q-6'],
    );
    expect(track(await s.view(), 'bid-1').contract.contractNo).toBe('HT-2026-001');
  });

  it('refuses START_IMPLEMENTATION until every track has a registered contract (Q-6)', async () => {
    const s = w.s.startRace;
    const startEvent = { type: 'START_IMPLEMENTATION', startedOn: '2026-06-01' };
    const none = await refused(s, w.p.bureau, startEvent, ['Q-6']);
    expect(none.body.error.message).toContain('race-a');
    expect(none.body.error.message).toContain('race-b');
    await s.registerContract('race-a');
    const one = await refused(s, w.p.bureau, startEvent, ['Q-6']);
    expect(one.body.error.message).toContain('race-b');
    expect(one.body.error.message).not.toContain('race-a');
    await s.registerContract('race-b');
    const v = await s.ok(w.p.bureau, startEvent);
    expect(v.stage).toBe('management');
    expect(v.state).toEqual({ management: 'implementing' });
  });

  it('refuses REGISTER_CONTRACT, RECORD_PAYMENT and DISBURSE for a track that does not exist (P-1)', async () => {
    const s = w.s.unknown;
    await refused(
      s,
      w.p.bureau,
      { type: 'REGISTER_CONTRACT', trackId: 'no-such-track', contractNo: 'HT-X', registeredOn: '2026-05-13' },
      ['P-1'],
    );
    await refused(s, w.p.finance, await payment(s, 'no-such-track', 1_000_000), ['P-1']);
    await refused(s, w.p.finance, disburse('no-such-track', 1), ['P-1']);
    // The same events for the real track are accepted.
    await s.registerContract('bid-1');
    await s.ok(w.p.finance, await payment(s, 'bid-1', 1_000_000));
    const v = await s.ok(w.p.finance, disburse('bid-1', 1));
    expect(track(v, 'bid-1')).toMatchObject({ paidCny: 1_000_000, disbursedCny: 1 });
  });

  it('refuses a tranche while no challenge money is recorded as paid for the track (X-5)', async () => {
    const s = w.s.tranche;
    await s.registerContract('bid-1');
    const r = await refused(s, w.p.finance, disburse('bid-1', 1), ['Q-1b', 'X-5']);
    expect(r.body.error.violations.find((v: Json) => v.clause === 'X-5').message_zh).toContain('尚无已拨付记录');
    await s.ok(w.p.finance, await payment(s, 'bid-1', 1_000));
    const v = await s.ok(w.p.finance, disburse('bid-1', 1));
    expect(track(v, 'bid-1')).toMatchObject({ paidCny: 1_000, disbursedCny: 1 });
  });
});

describe('Q-1b fiscal support ≤ 40 % of the money paid, per track and cumulative', () => {
  let w: World<'single' | 'cumulative' | 'perTrack'>;
  beforeAll(async () => {
    w = await world({ single: {}, cumulative: {}, perTrack: { bids: race() } });
    await registerAllContracts(w);
  });
  afterAll(async () => w.h.close());

  it('with 1,000,000 paid, disburses 400,000 and refuses 400,001 (Q-1b)', async () => {
    const s = w.s.single;
    await s.ok(w.p.finance, await payment(s, 'bid-1', 1_000_000));
    await refused(s, w.p.finance, disburse('bid-1', 400_001), ['Q-1b']);
    const v = await s.ok(w.p.finance, disburse('bid-1', 400_000));
    expect(track(v, 'bid-1').disbursedCny).toBe(400_000);
  });

  it('counts every tranche: 250,000 + 150,000 accepted, one yuan more refused, a further payment raises the ceiling', async () => {
    const s = w.s.cumulative;
    await s.ok(w.p.finance, await payment(s, 'bid-1', 1_000_000));
    await s.ok(w.p.finance, disburse('bid-1', 250_000));
    await s.ok(w.p.finance, disburse('bid-1', 150_000));
    await refused(s, w.p.finance, disburse('bid-1', 1), ['Q-1b']);
    // 2,500 more paid → 40 % of 1,002,500 = 401,000: 1,000 more fits, 1,001 does not.
    await s.ok(w.p.finance, await payment(s, 'bid-1', 2_500));
    await refused(s, w.p.finance, disburse('bid-1', 1_001), ['Q-1b']);
    const v = await s.ok(w.p.finance, disburse('bid-1', 1_000));
    expect(track(v, 'bid-1')).toMatchObject({ paidCny: 1_002_500, disbursedCny: 401_000 });
    await refused(s, w.p.finance, disburse('bid-1', 1), ['Q-1b']);
  });

  it("measures each track against its own payments, not the challenge's", async () => {
    const s = w.s.perTrack;
    await s.ok(w.p.issuer, await payment(s, 'race-a', 1_000_000));
    await s.ok(w.p.issuer, await payment(s, 'race-b', 2_000_000));
    // 3,000,000 paid on the challenge, but only 1,000,000 on race-a: its ceiling is 400,000.
    await refused(s, w.p.finance, disburse('race-a', 400_001), ['Q-1b']);
    await s.ok(w.p.finance, disburse('race-a', 400_000));
    // race-b's own payments allow more than race-a's ceiling.
    const v = await s.ok(w.p.finance, disburse('race-b', 400_001));
    expect(track(v, 'race-a').disbursedCny).toBe(400_000);
    expect(track(v, 'race-b').disbursedCny).toBe(400_001);
  });
});

describe('Q-1c the cap of 3,000,000 per challenge, H-4 the horse race first phase', () => {
  let w: World<'single' | 'race' | 'h4' | 'h4Capped'>;
  beforeAll(async () => {
    w = await world({
      // Agreed at what it will be paid: payments beyond the agreed funding are refused (Q-1a).
      single: { bids: [{ bidId: 'bid-1', fundingCny: 7_500_003 }] },
      race: { bids: race(4_000_000) },
      h4: { bids: race(3_000_000) },
      h4Capped: { bids: race(4_000_000) },
    });
    await registerAllContracts(w);
  });
  afterAll(async () => w.h.close());

  it('a single track reaches exactly 3,000,000 and not one yuan more (Q-1c)', async () => {
    const s = w.s.single;
    // 40 % of 7,500,003 = 3,000,001.2: the share would allow 3,000,001, so only the cap refuses it.
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 7_500_003));
    await refused(s, w.p.finance, disburse('bid-1', 3_000_001), ['Q-1c']);
    await s.ok(w.p.finance, disburse('bid-1', 2_000_000));
    const v = await s.ok(w.p.finance, disburse('bid-1', 1_000_000));
    expect(track(v, 'bid-1').disbursedCny).toBe(3_000_000);
    await refused(s, w.p.finance, disburse('bid-1', 1), ['Q-1c']);
  });

  it('the cap holds across all tracks of a horse race (Q-1c)', async () => {
    const s = w.s.race;
    // Agreed 4,000,000 each: total support min(3,200,000, 3,000,000) = 3,000,000, first phase ≤ 600,000.
    await s.ok(w.p.issuer, await payment(s, 'race-a', 4_000_000));
    await s.ok(w.p.issuer, await payment(s, 'race-b', 4_000_000));
    await s.ok(w.p.finance, disburse('race-a', 600_000));
    await s.ok(w.p.finance, disburse('race-b', 600_000));
    await s.startImplementation('2026-06-01');
    for (const t of ['race-a', 'race-b']) await s.decideMidterm(t, 'continue', '中期评估通过');
    await s.ok(w.p.finance, disburse('race-a', 900_000, 'later'));
    // race-b alone could take 1,600,000 (40 % of 4,000,000); the challenge has 900,000 left.
    await refused(s, w.p.finance, disburse('race-b', 900_001, 'later'), ['Q-1c']);
    const v = await s.ok(w.p.finance, disburse('race-b', 900_000, 'later'));
    expect(v.tracks.reduce((sum: number, t: Json) => sum + t.disbursedCny, 0)).toBe(3_000_000);
    await refused(s, w.p.finance, disburse('race-a', 1, 'later'), ['Q-1c']);
    await refused(s, w.p.finance, disburse('race-b', 1, 'later'), ['Q-1c']);
  });

  it('first phase per track ≤ 20 % of min(40 % × agreed funding, cap): 480,000 with 3,000,000 agreed each (H-4)', async () => {
    const s = w.s.h4;
    // Total support min(40 % × 6,000,000, 3,000,000) = 2,400,000; 20 % of it = 480,000.
    await s.ok(w.p.issuer, await payment(s, 'race-a', 2_000_000));
    await s.ok(w.p.issuer, await payment(s, 'race-b', 2_000_000));
    await refused(s, w.p.finance, disburse('race-a', 480_001), ['H-4']);
    await s.ok(w.p.finance, disburse('race-a', 480_000));
    // The first phase is cumulative too.
    await refused(s, w.p.finance, disburse('race-a', 1), ['H-4']);
    await s.ok(w.p.finance, disburse('race-b', 300_000));
    await s.ok(w.p.finance, disburse('race-b', 180_000));
    const v = await refused(s, w.p.finance, disburse('race-b', 1), ['H-4']);
    expect(v.body.error.violations[0].message).toContain('480,000');
    const view = await s.view();
    expect(track(view, 'race-a').firstPhaseCny).toBe(480_000);
    expect(track(view, 'race-b').firstPhaseCny).toBe(480_000);
  });

  it('the total behind H-4 is capped at 3,000,000: 600,000 first phase with 4,000,000 agreed each (H-4)', async () => {
    const s = w.s.h4Capped;
    // 40 % × 8,000,000 = 3,200,000 > 3,000,000, so the total is 3,000,000 and 20 % of it 600,000.
    await s.ok(w.p.issuer, await payment(s, 'race-a', 2_000_000));
    await refused(s, w.p.finance, disburse('race-a', 600_001), ['H-4']);
    const v = await s.ok(w.p.finance, disburse('race-a', 600_000));
    expect(track(v, 'race-a').firstPhaseCny).toBe(600_000);
  });
});

describe('H-5 horse race evaluation: later funding after "continue", a stopped track stops', () => {
  let w: World<'later' | 'stopOne' | 'stopAll' | 'single'>;
  beforeAll(async () => {
    w = await world({ later: { bids: race() }, stopOne: { bids: race() }, stopAll: { bids: race() }, single: {} });
    for (const s of Object.values<ChallengeDriver>(w.s))
      for (const t of (await s.view()).tracks) await s.ok(w.p.issuer, await payment(s, t.trackId, 2_000_000));
  });
  afterAll(async () => w.h.close());

  it('refuses later-phase funding before a "continue" midterm decision, accepts it after (H-5)', async () => {
    const s = w.s.later;
    for (const t of ['race-a', 'race-b']) await s.registerContract(t);
    await refused(s, w.p.finance, disburse('race-a', 100_000, 'later'), ['H-5']);
    await s.startImplementation('2026-06-01');
    await refused(s, w.p.finance, disburse('race-a', 100_000, 'later'), ['H-5']);
    const decided = await s.ok(w.p.bureau, {
      type: 'MIDTERM_DECISION',
      trackId: 'race-a',
      decision: 'continue',
      opinion: '继续支持',
    });
    expect(track(decided, 'race-a').midterm).toBe('continue');
    const v = await s.ok(w.p.finance, disburse('race-a', 100_000, 'later'));
    expect(track(v, 'race-a')).toMatchObject({ disbursedCny: 100_000, firstPhaseCny: 0 });
    // The decision is per track: race-b has none yet.
    await refused(s, w.p.finance, disburse('race-b', 100_000, 'later'), ['H-5']);
  });

  it('a stopped track takes no payment, tranche, progress report or decision (H-5); the other runs on', async () => {
    const s = w.s.stopOne;
    await start(s);
    const v = await s.ok(w.p.bureau, {
      type: 'MIDTERM_DECISION',
      trackId: 'race-a',
      decision: 'stop',
      opinion: '技术路线不可行，终止',
    });
    expect(v.state).toEqual({ management: 'implementing' });
    expect(v.outcome).toBeUndefined();
    expect(track(v, 'race-a')).toMatchObject({ status: 'stopped', midterm: 'stop' });
    expect(track(v, 'race-b').status).toBe('active');

    await refused(s, w.p.issuer, await payment(s, 'race-a', 100_000), ['H-5']);
    await refused(s, w.p.finance, disburse('race-a', 1), ['H-5']);
    await refused(s, w.p.solverA, { type: 'REPORT_PROGRESS', trackId: 'race-a', milestone: 'M2', text: '继续试验' }, [
      'H-5',
    ]);
    await refused(
      s,
      w.p.bureau,
      { type: 'MIDTERM_DECISION', trackId: 'race-a', decision: 'continue', opinion: '恢复' },
      ['H-5'],
    );

    // The same events for the running track are accepted.
    await s.ok(w.p.issuer, await payment(s, 'race-b', 100_000));
    await s.ok(w.p.finance, disburse('race-b', 1));
    const after = await s.ok(w.p.solverA, {
      type: 'REPORT_PROGRESS',
      trackId: 'race-b',
      milestone: 'M2',
      text: '样机完成',
    });
    expect(after.stage).toBe('management');
    expect(track(after, 'race-b')).toMatchObject({ paidCny: 2_100_000, disbursedCny: 1, status: 'active' });
  });

  it('stopping every track terminates the challenge (outcome terminated, clause H-5)', async () => {
    const s = w.s.stopAll;
    await start(s);
    const one = await s.ok(w.p.bureau, {
      type: 'MIDTERM_DECISION',
      trackId: 'race-b',
      decision: 'stop',
      opinion: '终止',
    });
    expect(one.stage).toBe('management');
    const v = await s.ok(w.p.bureau, {
      type: 'MIDTERM_DECISION',
      trackId: 'race-a',
      decision: 'stop',
      opinion: '两条路线均终止',
    });
    expect(v.stage).toBe('terminated');
    expect(v.state).toBe('terminated');
    expect(v.outcome).toMatchObject({ kind: 'terminated', clause: 'H-5', reason: '两条路线均终止' });
    expect(v.allowedEvents).toEqual([]);
    expect(v.deadlines).toEqual([]);
    const r = await s.send(w.p.finance, disburse('race-a', 1));
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('EVENT_NOT_ALLOWED');
  });

  it('phase "later" needs no midterm decision outside a horse race (H-5 is the race\'s rule)', async () => {
    const s = w.s.single;
    await s.registerContract('bid-1');
    const v = await s.ok(w.p.finance, disburse('bid-1', 100_000, 'later'));
    expect(track(v, 'bid-1')).toMatchObject({ disbursedCny: 100_000, firstPhaseCny: 0, midterm: null });
  });
});

describe('who records the challenge money (RECORD_PAYMENT)', () => {
  let w: World<'tech' | 'transfer'>;
  beforeAll(async () => {
    w = await world({ tech: {}, transfer: { transfer: true } });
  });
  afterAll(async () => w.h.close());

  it('techBreakthrough: the issuer and finance record the R&D money, the solver may not (403)', async () => {
    const s = w.s.tech;
    const before = await s.view();
    const r = await s.send(w.p.solverA, await payment(s, 'bid-1', 1_000_000, 'solver'));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await s.view()).version).toBe(before.version);
    expect((await s.view(w.p.solverA)).allowedEvents).not.toContain('RECORD_PAYMENT');
    expect((await s.view(w.p.issuer)).allowedEvents).toContain('RECORD_PAYMENT');

    await s.ok(w.p.issuer, await payment(s, 'bid-1', 1_000_000, 'issuer'));
    const v = await s.ok(w.p.finance, await payment(s, 'bid-1', 500_000, 'finance'));
    expect(track(v, 'bid-1').paidCny).toBe(1_500_000);
  });

  it('achievementTransfer: the solver and finance record the transformation spend, the issuer may not (403)', async () => {
    const s = w.s.transfer;
    const before = await s.view();
    expect(before.kind).toBe('achievementTransfer');
    const r = await s.send(w.holder, await payment(s, 'bid-1', 1_000_000, 'holder'));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await s.view()).version).toBe(before.version);
    expect((await s.view(w.holder)).allowedEvents).not.toContain('RECORD_PAYMENT');
    expect((await s.view(w.p.solverC)).allowedEvents).toContain('RECORD_PAYMENT');

    await s.ok(w.p.solverC, await payment(s, 'bid-1', 1_000_000, 'solver'));
    await s.ok(w.p.finance, await payment(s, 'bid-1', 250_000, 'finance'));
    // The recorded spend is what fiscal support is measured against (Q-1b): 40 % of 1,250,000.
    await s.registerContract('bid-1');
    await refused(s, w.p.finance, disburse('bid-1', 500_001), ['Q-1b']);
    const v = await s.ok(w.p.finance, disburse('bid-1', 500_000));
    expect(track(v, 'bid-1')).toMatchObject({ paidCny: 1_250_000, disbursedCny: 500_000 });
  });
});

describe('Q-1a after the award: payments within the agreed funding; P-9 the payee of the city money', () => {
  let w: World<'paid' | 'payee'>;
  beforeAll(async () => {
    w = await world({ paid: {}, payee: {} });
    await registerAllContracts(w);
  });
  afterAll(async () => w.h.close());

  it('refuses a payment of 10,000,000 against 3,000,000 agreed, accepts exactly 3,000,000, and more only after an approved funding change', async () => {
    const s = w.s.paid;
    const [v] = expectRefused(await s.refused(w.p.issuer, await payment(s, 'bid-1', 10_000_000)), 'Q-1a');
    expect(v?.message).toContain('10,000,000');
    expect(v?.message_zh).toContain('须先经市科技局批准经费变更');
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 2_000_000));
    await refused(s, w.p.issuer, await payment(s, 'bid-1', 1_000_001, 'b'), ['Q-1a']);
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 1_000_000, 'c'));
    await s.startImplementation('2026-06-01');
    const change = { type: 'APPROVE_CHANGE', kind: 'funding', detail: '追加研发经费', trackId: 'bid-1' };
    await refused(s, w.p.bureau, { ...change, agreedFundingCny: 3_000_000 }, ['Q-1a']);
    const raised = await s.ok(w.p.bureau, { ...change, agreedFundingCny: 4_000_000 });
    expect(track(raised, 'bid-1').agreedFundingCny).toBe(4_000_000);
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 1_000_000, 'd'));
    await refused(s, w.p.issuer, await payment(s, 'bid-1', 1, 'e'), ['Q-1a']);
  });

  it('records who receives each disbursement: the lead unit by default, a named member, never a unit outside the bid', async () => {
    const s = w.s.payee;
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 1_000_000));
    const [v] = expectRefused(
      await s.refused(w.p.finance, { ...disburse('bid-1', 100_000), payeeUnit: UNITS.issuer }),
      'P-9',
    );
    expect(v?.message).toContain(UNITS.issuer);
    const lead = track(await s.view(), 'bid-1').solverUnit as string;
    await s.ok(w.p.finance, disburse('bid-1', 100_000));
    const named = await s.ok(w.p.finance, { ...disburse('bid-1', 50_000), payeeUnit: lead });
    expect(track(named, 'bid-1').disbursements).toEqual([
      expect.objectContaining({ amountCny: 100_000, phase: 'first', payeeUnit: lead }),
      expect.objectContaining({ amountCny: 50_000, phase: 'first', payeeUnit: lead }),
    ]);
  });
});

describe('GET /challenges/:id/reconciliation and the export: each track against its caps', () => {
  let w: World<'single' | 'race'>;
  beforeAll(async () => {
    w = await world({ single: {}, race: { bids: race(4_000_000) } });
    await registerAllContracts(w);
  });
  afterAll(async () => w.h.close());

  it('shows declared, requested, agreed, paid and disbursed per track with the payee and what remains', async () => {
    const s = w.s.single;
    await s.ok(w.p.issuer, await payment(s, 'bid-1', 1_000_000));
    await s.ok(w.p.finance, disburse('bid-1', 150_000));
    const lead = track(await s.view(), 'bid-1').solverUnit as string;
    const expected = {
      trackId: 'bid-1',
      payeeUnit: lead,
      declaredCny: 3_000_000,
      requestedCny: 3_000_000,
      agreedCny: 3_000_000,
      paidByIssuerCny: 1_000_000,
      disbursedCny: 150_000,
      caps: { shareCny: 400_000, capCny: 3_000_000 },
      remainingCny: 250_000,
    };
    for (const reader of [w.p.bureau, w.p.finance, w.p.auditor, w.p.issuer]) {
      const r = await w.h.request('GET', `/api/v1/challenges/${s.id}/reconciliation`, reader);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({ challengeId: s.id, items: [expected] });
    }
    for (const outsider of [w.p.solverA, w.p.district]) {
      const r = await w.h.request('GET', `/api/v1/challenges/${s.id}/reconciliation`, outsider);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    expect(await exportReconciliation(w.h.app.jiebang.db, { challenge: s.id })).toEqual([
      {
        challengeId: s.id,
        trackId: 'bid-1',
        payeeUnit: lead,
        declaredCny: 3_000_000,
        requestedCny: 3_000_000,
        agreedCny: 3_000_000,
        paidByIssuerCny: 1_000_000,
        disbursedCny: 150_000,
        shareCapCny: 400_000,
        challengeCapCny: 3_000_000,
        firstPhaseCapCny: null,
        remainingCny: 250_000,
      },
    ]);
  });

  it("gives a horse race's tracks their route's declared investment and the first-phase limit (H-4)", async () => {
    const s = w.s.race;
    const r = await w.h.request('GET', `/api/v1/challenges/${s.id}/reconciliation`, w.p.auditor);
    expect(r.status).toBe(200);
    const view = await s.view();
    const routes = view.details.draft.horseRace.routes as { name: string; investmentCny: number }[];
    for (const item of r.body.items) {
      const t = track(view, item.trackId);
      expect(item.declaredCny).toBe(routes.find((x) => x.name === t.route)?.investmentCny);
      expect(item).toMatchObject({ agreedCny: 4_000_000, requestedCny: 4_000_000, paidByIssuerCny: 0 });
      // min(40 % × 8,000,000, 3,000,000) × 20 % = 600,000
      expect(item.caps).toEqual({ shareCny: 0, capCny: 3_000_000, firstPhaseCny: 600_000 });
    }
  });
});
