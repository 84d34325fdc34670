/**
 * Who may take a challenge up (S-T1, S-T2, S-C1, S-5 for every consortium member; L-1…L-3 for
 * the lead unit and team at BID), who may judge it, and the re-check at SELECT, each proved
 * through the API on registry data the test sets up itself, allowed at the boundary and refused
 * just past it. The clock starts at 2026-05-06 10:00 Beijing time (look-back from 2023-05-06).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '../../machines/calendar.js';
import { eventHash } from '../../src/engine/canonical.js';
import { code, type Parties, registerParties, techDraft, transferDraft } from '../helpers/fixtures.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';
import { bidOf, Registry } from '../helpers/registry.js';
import { expectAccepted, expectRefused } from '../helpers/replies.js';

let h: Harness;
let p: Parties;
let r: Registry;

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  r = new Registry(h);
});
afterAll(async () => h.close());

type Party = { unit: string; token: string; team: string[] };

/** A challenge of a fresh issuer, published and open for bids. */
async function published(kind: 'techBreakthrough' | 'achievementTransfer' = 'techBreakthrough') {
  const issuer = await r.issuer(kind === 'techBreakthrough' ? {} : { type: 'university', inCity: false });
  const s = new ChallengeDriver(h, p, { issuer: issuer.token });
  const shape = { issuerUnit: issuer.unit, leader: issuer.team[0], team: issuer.team };
  await s.create(kind === 'techBreakthrough' ? techDraft(shape) : transferDraft(shape));
  await s.toMatching();
  return { s, issuer };
}

/** A published challenge of a fresh issuer in expert review, with one agreed bid by a fresh solver. */
async function inExpertReview() {
  const { s, issuer } = await published();
  const solver = await r.solver();
  expectAccepted(await bid(s, solver, 'bid-1'));
  await s.agree('bid-1');
  await s.closeMatching();
  return { s, issuer, solver };
}

const bid = (s: ChallengeDriver, solver: Party, bidId: string, extra: Record<string, unknown> = {}) =>
  s.send(solver.token, bidOf(solver, bidId, extra));

describe('S-T1: a techBreakthrough is taken up by universities, institutes, tech firms, platforms or their consortia', () => {
  it('accepts a platform as lead, and an "other" organisation as a consortium member', async () => {
    const { s } = await published();
    expectAccepted(await bid(s, await r.solver({ type: 'platform' }), 'platform'));
    const lead = await r.solver();
    const other = await r.unit({ type: 'other' });
    expectAccepted(await bid(s, lead, 'consortium', { members: [lead.unit, other] }));
  });

  it('refuses a district department or an "other" organisation as lead, and an unregistered member', async () => {
    const { s } = await published();
    expectRefused(await bid(s, await r.solver({ type: 'districtDept' }), 'dept'), 'S-T1');
    expectRefused(await bid(s, await r.solver({ type: 'other' }), 'other'), 'S-T1');
    const lead = await r.solver();
    const [v] = expectRefused(await bid(s, lead, 'ghost', { members: [lead.unit, code(999_999)] }), 'S-T1');
    expect(v.message).toContain('not registered');
  });
});

describe('Q-2/3 for a bid: its leader and team have user accounts', () => {
  it('accepts a registered team and refuses a member without an account, naming them', async () => {
    const { s } = await published();
    const solver = await r.solver();
    expectAccepted(await bid(s, solver, 'registered'));
    const [v] = expectRefused(await bid(s, solver, 'ghost', { team: [solver.team[0], 'no-account-person'] }), 'Q-2/3');
    expect(v.message).toContain('no-account-person');
  });
});

describe('S-T2: no dishonesty, illegal or bad research-credit record in 3 years, for every member', () => {
  it('accepts a member whose misconduct record ended the day before the look-back', async () => {
    const { s } = await published();
    const lead = await r.solver();
    const member = await r.unit({ type: 'institute' });
    await r.record({ subject: { unit: member }, kind: 'misconduct', from: '2020-01-01', to: '2023-05-05' });
    expectAccepted(await bid(s, lead, 'b1', { members: [lead.unit, member] }));
  });

  it('refuses a member whose record ended on the first day of the look-back, naming it', async () => {
    const { s } = await published();
    const lead = await r.solver();
    const member = await r.unit({ type: 'institute' });
    await r.record({ subject: { unit: member }, kind: 'misconduct', from: '2020-01-01', to: '2023-05-06' });
    const [v] = expectRefused(await bid(s, lead, 'b1', { members: [lead.unit, member] }), 'S-T2');
    expect(v.message).toContain(member);
  });

  it('refuses a lead with a serious dishonesty record still in force', async () => {
    const { s } = await published();
    const lead = await r.solver();
    await r.record({ subject: { unit: lead.unit }, kind: 'dishonesty', from: '2024-06-01' });
    expectRefused(await bid(s, lead, 'b1'), 'S-T2');
  });
});

describe('S-C1: an achievementTransfer is taken up by in-city enterprises with legal-person status', () => {
  it('accepts an in-city enterprise with legal-person status', async () => {
    const { s } = await published('achievementTransfer');
    expectAccepted(await bid(s, await r.solver({ type: 'enterprise', inCity: true }), 'b1'));
  });

  it('refuses an enterprise outside the city, one without legal-person status, and a university member', async () => {
    const { s } = await published('achievementTransfer');
    expectRefused(await bid(s, await r.solver({ type: 'enterprise', inCity: false }), 'out'), 'S-C1');
    expectRefused(
      await bid(s, await r.solver({ type: 'enterprise', inCity: true, legalPerson: false }), 'branch'),
      'S-C1',
    );
    const lead = await r.solver({ type: 'enterprise', inCity: true });
    const university = await r.unit({ type: 'university' });
    const [v] = expectRefused(await bid(s, lead, 'mixed', { members: [lead.unit, university] }), 'S-C1');
    expect(v.message).toContain(university);
  });
});

describe('S-5: no subordination or equity relation between any solver member and the issuer, either way', () => {
  it('refuses a solver the issuer owns and a solver that holds equity in the issuer', async () => {
    const { s, issuer } = await published();
    const child = await r.solver({ type: 'enterprise' });
    await r.record({
      subject: { unit: issuer.unit },
      kind: 'affiliation',
      from: '2018-01-01',
      otherUnit: child.unit,
      relation: 'subordination',
    });
    const [v] = expectRefused(await bid(s, child, 'child'), 'S-5');
    expect(v.message).toContain(issuer.unit);
    const investor = await r.solver({ type: 'enterprise' });
    await r.record({
      subject: { unit: investor.unit },
      kind: 'affiliation',
      from: '2024-01-01',
      otherUnit: issuer.unit,
      relation: 'equity',
    });
    expectRefused(await bid(s, investor, 'investor'), 'S-5');
  });

  it('refuses a consortium whose second member is affiliated with the issuer', async () => {
    const { s, issuer } = await published();
    const lead = await r.solver();
    const member = await r.unit({ type: 'enterprise' });
    await r.record({
      subject: { unit: member },
      kind: 'affiliation',
      from: '2024-01-01',
      otherUnit: issuer.unit,
      relation: 'equity',
    });
    expectRefused(await bid(s, lead, 'c', { members: [lead.unit, member] }), 'S-5');
  });

  it('accepts a link that ended yesterday and a link with another unit', async () => {
    const { s, issuer } = await published();
    const former = await r.solver({ type: 'enterprise' });
    const yesterday = addDays(beijingDate(h.now()), -1);
    await r.record({
      subject: { unit: issuer.unit },
      kind: 'affiliation',
      from: '2018-01-01',
      to: yesterday,
      otherUnit: former.unit,
      relation: 'subordination',
    });
    expectAccepted(await bid(s, former, 'former'));
    const unrelated = await r.solver({ type: 'enterprise' });
    await r.record({
      subject: { unit: unrelated.unit },
      kind: 'affiliation',
      from: '2018-01-01',
      otherUnit: await r.unit(),
      relation: 'equity',
    });
    expectAccepted(await bid(s, unrelated, 'unrelated'));
  });
});

describe("S-5 等关联关系: a common parent and chains of links up to the programme's depth (3)", () => {
  const link = (subject: string, other: string, relation: 'equity' | 'subordination' = 'equity') =>
    r.record({ subject: { unit: subject }, kind: 'affiliation', from: '2018-01-01', otherUnit: other, relation });

  it('refuses a solver that shares a parent company with the issuer, naming the chain', async () => {
    const { s, issuer } = await published();
    const sister = await r.solver({ type: 'enterprise' });
    const parent = await r.unit({ type: 'enterprise' });
    await link(parent, issuer.unit, 'subordination');
    await link(parent, sister.unit);
    const [v] = expectRefused(await bid(s, sister, 'sister'), 'S-5');
    expect(v.message_zh).toContain(`${parent} 持股 ${sister.unit}，${issuer.unit} 隶属 ${parent}`);
    expect(v.message).toContain(`${parent} holds shares in ${sister.unit}; ${issuer.unit} is subordinate to ${parent}`);
  });

  it('refuses a chain of three links and accepts one of four', async () => {
    const { s, issuer } = await published();
    const near = await r.solver({ type: 'enterprise' });
    const [a, b] = [await r.unit(), await r.unit()];
    await link(near.unit, a);
    await link(b, a);
    await link(b, issuer.unit);
    const [v] = expectRefused(await bid(s, near, 'near'), 'S-5');
    expect(v.message_zh).toContain(`${near.unit} 持股 ${a}，${b} 持股 ${a}，${b} 持股 ${issuer.unit}`);
    const far = await r.solver({ type: 'enterprise' });
    const [c, d, e] = [await r.unit(), await r.unit(), await r.unit()];
    await link(far.unit, c);
    await link(c, d);
    await link(d, e);
    await link(e, issuer.unit);
    expectAccepted(await bid(s, far, 'far'));
  });
});

describe('§4 restrictions at BID: L-1, L-2a for the lead unit; L-2b, L-3 for the team', () => {
  const project = (unit: string, projectId: string, plannedEnd: string) =>
    r.record({ subject: { unit }, kind: 'cityProject', from: '2022-01-01', projectId, status: 'ongoing', plannedEnd });

  it('L-1: accepts a lead whose project is one day short of a year overdue, refuses one a year overdue', async () => {
    const { s } = await published();
    const almost = await r.solver();
    await project(almost.unit, 'P-almost', '2025-05-06');
    expectAccepted(await bid(s, almost, 'almost'));
    const late = await r.solver();
    await project(late.unit, 'P-late', '2025-05-05');
    expectRefused(await bid(s, late, 'late'), 'L-1');
  });

  it('L-2a: accepts a lead with 3 ongoing projects, refuses one with 4', async () => {
    const { s } = await published();
    const three = await r.solver();
    const four = await r.solver();
    for (let i = 0; i < 4; i++) {
      if (i < 3) await project(three.unit, `T-${i}`, '2027-12-31');
      await project(four.unit, `F-${i}`, '2027-12-31');
    }
    expectAccepted(await bid(s, three, 'three'));
    expectRefused(await bid(s, four, 'four'), 'L-2a');
  });

  it('L-2b: counts the third of a bid team too, and not the fourth', async () => {
    const solver = await r.solver();
    const [third, fourth] = [await r.person(solver.unit), await r.person(solver.unit)];
    const team = (lead: string[]) => ({ leader: lead[0], team: [...lead, third, fourth] });
    for (const bidId of ['first', 'second'])
      expectAccepted(await bid((await published()).s, solver, bidId, team(await r.team(solver.unit, 2))));
    const [v] = expectRefused(
      await bid((await published()).s, solver, 'third', team(await r.team(solver.unit, 2))),
      'L-2b',
    );
    expect(v.message).toContain(third);
    // The fourth, on two bids but never among the first three, still leads a bid of its own.
    expectAccepted(await bid((await published()).s, solver, 'fourth', { leader: fourth, team: [fourth] }));
  });

  it('L-2b: a person on two bids is refused on a third', async () => {
    const solver = await r.solver();
    for (const bidId of ['first', 'second']) expectAccepted(await bid((await published()).s, solver, bidId));
    const [v] = expectRefused(await bid((await published()).s, solver, 'third'), 'L-2b');
    expect(v.message).toContain(solver.team[0]);
  });

  it('L-3: refuses a bid whose lead unit or team member is inside a penalty period; accepts one that ended yesterday', async () => {
    const { s } = await published();
    const today = beijingDate(h.now());
    const punished = await r.solver();
    await r.record({ subject: { unit: punished.unit }, kind: 'misconduct', from: '2026-01-01', to: today });
    expectRefused(await bid(s, punished, 'unit'), 'L-3');
    const member = await r.solver();
    await r.record({ subject: { person: member.team[1] }, kind: 'misconduct', from: '2026-01-01', to: today });
    expectRefused(await bid(s, member, 'member'), 'L-3');
    const served = await r.solver();
    await r.record({
      subject: { person: served.team[1] },
      kind: 'misconduct',
      from: '2026-01-01',
      to: addDays(today, -1),
    });
    expectAccepted(await bid(s, served, 'served'));
  });
});

describe("X-12: a bid's leader and team are people of its member units", () => {
  it("refuses a bid naming a rival unit's project leader, whose own bid then still passes L-2b", async () => {
    const { s } = await published();
    const rival = await r.solver();
    const squatter = await r.solver();
    // An earlier bid puts the rival's leader one application short of the L-2b limit (2).
    expectAccepted(await bid((await published()).s, rival, 'earlier'));
    const [v] = expectRefused(await bid(s, squatter, 'squat', { team: [squatter.team[0], rival.team[0]] }), 'X-12');
    expect(v.message).toContain(rival.team[0]);
    expect(v.message_zh).toContain('成员单位');
    expect(v.message).not.toContain(rival.unit);
    expect(
      (await bid(s, squatter, 'as-leader', { leader: rival.team[0], team: [rival.team[0], squatter.team[1]] })).status,
    ).toBe(422);
    // The rival's real bid is not blocked by the refused ones.
    expectAccepted(await bid(s, rival, 'real'));
  });

  it('accepts a consortium whose team comes from its member units', async () => {
    const { s } = await published();
    const lead = await r.solver();
    const member = await r.solver();
    expectAccepted(
      await bid(s, lead, 'consortium', {
        members: [lead.unit, member.unit],
        team: [lead.team[0], member.team[0]],
      }),
    );
  });

  it("refuses a demand whose team names another unit's person", async () => {
    const issuer = await r.issuer();
    const other = await r.solver();
    const s = new ChallengeDriver(h, p, { issuer: issuer.token });
    await s.create(
      techDraft({ issuerUnit: issuer.unit, leader: issuer.team[0], team: [issuer.team[0], other.team[0]] }),
    );
    const [v] = expectRefused(await s.send(issuer.token, { type: 'SUBMIT', confirmDetails: true }), 'X-12');
    expect(v.message).toContain(other.team[0]);
  });
});

describe('X-7: no expert from the issuer, a bidding unit, or a unit affiliated with either (回避)', () => {
  /** A challenge in expert review, and five experts from an unrelated unit. */
  async function inReview() {
    const { s, issuer, solver } = await inExpertReview();
    const neutral = await r.unit({ type: 'institute' });
    const experts = await r.team(neutral, 5);
    return { s, issuer, solver, experts };
  }
  const assign = (s: ChallengeDriver, experts: string[]) => s.send(p.bureau, { type: 'ASSIGN_PANEL', experts });

  it('accepts five experts from an unrelated unit', async () => {
    const { s, experts } = await inReview();
    expectAccepted(await assign(s, experts));
  });

  it('refuses an expert from the issuer, from the bidding unit, and an unregistered one', async () => {
    const { s, issuer, solver, experts } = await inReview();
    for (const intruder of [issuer.team[0], solver.team[0], 'unknown-expert']) {
      const [v] = expectRefused(await assign(s, [...experts.slice(0, 4), intruder ?? '']), 'X-7');
      expect(v.message).toContain(intruder);
    }
  });

  it("refuses an expert from the issuer's parent company and from a company the bidding unit holds equity in", async () => {
    const { s, issuer, solver, experts } = await inReview();
    const parent = await r.unit();
    await r.record({
      subject: { unit: parent },
      kind: 'affiliation',
      from: '2015-01-01',
      otherUnit: issuer.unit,
      relation: 'subordination',
    });
    const fromParent = await r.person(parent);
    const [v] = expectRefused(await assign(s, [...experts.slice(0, 4), fromParent]), 'X-7');
    expect(v.message).toContain(issuer.unit);
    const held = await r.unit();
    await r.record({
      subject: { unit: solver.unit },
      kind: 'affiliation',
      from: '2020-01-01',
      otherUnit: held,
      relation: 'equity',
    });
    expectRefused(await assign(s, [...experts.slice(0, 4), await r.person(held)]), 'X-7');
  });
});

describe('the re-check at SELECT: T-2.2, S-T2 and L-3 against the records of that moment', () => {
  /** A challenge with one scored bid, ready for SELECT. */
  async function scored() {
    const { s, issuer, solver } = await inExpertReview();
    await s.assignPanel();
    await s.scoreAll(['bid-1']);
    return { s, issuer, solver };
  }
  const select = (s: ChallengeDriver) => s.send(p.bureau, { type: 'SELECT', bidIds: ['bid-1'] });

  it('refuses the award when the issuer gained a dishonesty record or a solver member a bad credit record after bidding', async () => {
    const a = await scored();
    await r.record({ subject: { unit: a.issuer.unit }, kind: 'dishonesty', from: beijingDate(h.now()) });
    expectRefused(await select(a.s), 'T-2.2');
    const b = await scored();
    await r.record({ subject: { unit: b.solver.unit }, kind: 'dishonesty', from: '2025-01-01', to: '2025-06-30' });
    expectRefused(await select(b.s), 'S-T2');
  });

  it('accepts the award when a new penalty starts only tomorrow', async () => {
    const { s, solver } = await scored();
    const tomorrow = addDays(beijingDate(h.now()), 1);
    await r.record({ subject: { person: solver.team[0] }, kind: 'misconduct', from: tomorrow, to: '2029-12-31' });
    expectAccepted(await select(s));
  });

  it('refuses a solver whose misconduct penalty started after it bid but before SELECT', async () => {
    const { s, solver } = await scored();
    const bidDay = beijingDate(h.now());
    await h.at(new Date(Date.parse(h.now()) + 86_400_000).toISOString());
    await r.record({
      subject: { person: solver.team[1] },
      kind: 'misconduct',
      from: addDays(bidDay, 1),
      to: '2029-12-31',
    });
    const [v] = expectRefused(await select(s), 'L-3');
    expect(v.message).toContain(solver.team[1]);
    const view = await s.view();
    expect(view.stage).toBe('expertReview');
  });
});

describe("the issuer's history: its own facts, not other parties' records or the experts' scores", () => {
  it('withholds the facts of events its unit did not send and the individual scores, and says so', async () => {
    const { s, issuer, solver } = await inExpertReview();
    await s.assignPanel();
    await s.scoreAll(['bid-1']);
    const read = async (tokenValue: string) =>
      (await h.request('GET', `/api/v1/challenges/${s.id}/history`, tokenValue)).body.items as {
        type: string;
        payload: Record<string, unknown>;
        facts: { units?: Record<string, unknown> } | null;
        withheld?: string[];
      }[];
    const mine = await read(issuer.token);
    const full = await read(p.auditor);
    expect(mine.map((e) => e.type)).toEqual(full.map((e) => e.type));

    const submit = mine.find((e) => e.type === 'SUBMIT');
    expect(submit?.facts?.units?.[issuer.unit]).toBeDefined();
    expect(submit?.withheld).toBeUndefined();
    const bidOfMine = mine.find((e) => e.type === 'BID');
    expect(bidOfMine?.facts).toBeNull();
    expect(bidOfMine?.withheld).toEqual(['facts']);
    expect(full.find((e) => e.type === 'BID')?.facts?.units?.[solver.unit]).toBeDefined();
    for (const score of mine.filter((e) => e.type === 'SCORE')) {
      expect(score.payload).toEqual({ bidId: 'bid-1', noConflictDeclared: true });
      expect(score.withheld).toEqual(['payload.score', 'payload.comment']);
    }
    expect(full.filter((e) => e.type === 'SCORE').every((e) => e.payload.score === 80)).toBe(true);
  });

  it('gives nothing a withheld score can be recovered from: trying all 101 scores matches no hash the issuer sees', async () => {
    const { s, issuer } = await inExpertReview();
    await s.assignPanel();
    await s.scoreAll(['bid-1'], (place) => [88, 42, 65, 70, 91][place] as number);
    type Entry = {
      seq: number;
      type: string;
      payload: Record<string, unknown>;
      facts: unknown;
      actor: unknown;
      at: string;
      machineVersion: string;
      stateAfter: unknown;
      prevHash: string | null;
      hash: string | null;
      withheld?: string[];
    };
    const history = async (tokenValue: string) =>
      (await h.request('GET', `/api/v1/challenges/${s.id}/history`, tokenValue)).body.items as Entry[];
    const mine = await history(issuer.token);
    const seen = new Set(mine.flatMap((e) => [e.hash, e.prevHash]).filter((x): x is string => x !== null));
    // The attacker knows the comment and starts from the nearest hash it was shown.
    const recovered: number[] = [];
    for (const [i, e] of mine.entries()) {
      if (e.type !== 'SCORE') continue;
      const shownBefore = mine.slice(0, i).flatMap((x) => (x.hash === null ? [] : [x.hash]));
      const start = e.prevHash ?? shownBefore.at(-1) ?? '0'.repeat(64);
      const { seq, type, facts, actor, at, machineVersion, stateAfter } = e;
      for (let score = 0; score <= 100; score++) {
        const payload = { ...e.payload, score, comment: '方案可行' };
        const candidate = eventHash(start, {
          challengeId: s.id,
          seq,
          type,
          payload,
          facts,
          actor,
          at,
          machineVersion,
          stateAfter,
        });
        if (seen.has(candidate)) recovered.push(score);
      }
    }
    expect(recovered).toEqual([]);
    // What it is not shown is every hash from the first withheld entry on; before it, the chain is whole.
    const firstWithheld = mine.findIndex((e) => e.withheld !== undefined);
    expect(firstWithheld).toBeGreaterThan(0);
    expect(mine.slice(0, firstWithheld).every((e) => e.hash !== null)).toBe(true);
    expect(mine.slice(firstWithheld).every((e) => e.hash === null)).toBe(true);
    expect(mine.slice(firstWithheld + 1).every((e) => e.prevHash === null)).toBe(true);
    // The auditor still gets every hash, and the same attack on its copy would succeed: the test can fail.
    const full = await history(p.auditor);
    expect(full.every((e) => typeof e.hash === 'string' && typeof e.prevHash === 'string')).toBe(true);
    const score = full.find((e) => e.type === 'SCORE') as Entry;
    const { seq, type, facts, actor, at, machineVersion, stateAfter } = score;
    const payload = { ...score.payload, score: 88 };
    expect(
      eventHash(score.prevHash as string, {
        challengeId: s.id,
        seq,
        type,
        payload,
        facts,
        actor,
        at,
        machineVersion,
        stateAfter,
      }),
    ).toBe(score.hash);
  });
});
