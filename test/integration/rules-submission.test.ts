/**
 * The clauses a SUBMIT checks in stage 1 (collection), proved both ways through the API: the
 * complete draft just inside each limit is accepted, and one step outside it is refused with the
 * clause in `violations`, changing nothing. The windows (W-1, W-2) are in
 * rules-submission-windows.test.ts. Every test creates its own challenge on one shared harness
 * whose clock stands inside the wlmq-2026 submission window, so the tests do not depend on order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TECH_ATTACHMENTS, TRANSFER_ATTACHMENTS } from '../helpers/drafts.js';
import { code, type Parties, registerParties, techDraft, token, transferDraft, UNITS } from '../helpers/fixtures.js';
import { type Harness, type Json, type Reply, startHarness } from '../helpers/harness.js';
import { ChallengeDriver } from '../helpers/lifecycle.js';

let h: Harness;
let p: Parties;
/** An issuer token of the achievement holder, for achievementTransfer drafts. */
let holder: string;

beforeAll(async () => {
  h = await startHarness();
  p = await registerParties(h);
  holder = await token(h, 'issuer', { unit: UNITS.transferHolder });
});
afterAll(async () => h.close());

const CJK = /[\u4e00-\u9fff]/;

/**
 * A 422 RULE_VIOLATION whose violations name exactly `clauses` (as a set), each with an English
 * and a Chinese message that are non-empty and differ. Returns the violations.
 */
function expectViolations(reply: Reply, clauses: string[]): Json[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(422);
  const error = reply.body.error;
  expect(error.code).toBe('RULE_VIOLATION');
  const violations: Json[] = error.violations;
  const found = [...new Set(violations.map((v) => v.clause as string))].sort();
  expect(found).toEqual([...new Set(clauses)].sort());
  expect(error.clause).toBe(violations[0].clause);
  expect(typeof error.requestId).toBe('string');
  for (const v of [error, ...violations]) {
    expect(typeof v.message).toBe('string');
    expect(typeof v.message_zh).toBe('string');
    expect(v.message.trim()).not.toBe('');
    expect(v.message_zh.trim()).not.toBe('');
    expect(v.message_zh).not.toBe(v.message);
    expect(v.message_zh).toMatch(CJK);
  }
  return violations;
}

/** The one violation of `clause` in a refusal. */
function only(violations: Json[], clause: string): Json {
  const of = violations.filter((v) => v.clause === clause);
  expect(of).toHaveLength(1);
  return of[0];
}

const kindsFor = (draft: Record<string, unknown>) =>
  draft.kind === 'achievementTransfer' ? TRANSFER_ATTACHMENTS : TECH_ATTACHMENTS;

/**
 * A draft created and given `attachments` (by default every kind its SUBMIT needs, with the
 * ethics review when the draft is flagged), ready to submit.
 */
async function prepared(
  draft: Record<string, unknown>,
  opts: { attachments?: readonly string[]; issuer?: string } = {},
): Promise<ChallengeDriver> {
  const issuerToken = opts.issuer ?? (draft.kind === 'achievementTransfer' ? holder : p.issuer);
  const s = new ChallengeDriver(h, p, { issuer: issuerToken });
  await s.create(draft);
  const attachments = opts.attachments ?? [...kindsFor(draft), ...(draft.ethicsSensitive ? ['ethicsReview'] : [])];
  await s.attach(attachments);
  return s;
}

/**
 * SUBMIT as the issuer; on refusal, asserts that the challenge did not change at all. `after` is
 * the challenge as the issuer reads it then (an event's answer carries no `details`).
 */
async function submit(s: ChallengeDriver, confirmDetails = true): Promise<Reply & { after: Json }> {
  const before = await s.view();
  const reply = await s.send(s.issuer, { type: 'SUBMIT', confirmDetails });
  const after = await s.view(s.issuer);
  if (reply.status !== 200) {
    expect(after.version).toBe(before.version);
    expect(after.state).toEqual({ collection: 'draft' });
    expect(after.details).toEqual(before.details);
  }
  return { ...reply, after };
}

function expectSubmitted(reply: Reply & { after: Json }) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.stage).toBe('review');
  expect(reply.body.state).toEqual({ review: 'awaitingRecommendation' });
  expect(reply.after.version).toBe(reply.body.version);
  expect(reply.after.details.submittedAt).toBe(h.now());
}

describe('T-2.4: a techBreakthrough demand states indicators, period, IP, funding and solver conditions', () => {
  it('accepts the complete demand at the smallest stated values (1 indicator, 1 month, 1 CNY to the solver)', async () => {
    const s = await prepared(
      techDraft({
        indicators: ['寿命 ≥ 20 年'],
        periodMonths: 1,
        ipOwnership: '发榜方所有',
        investment: { ownPilotCny: 4_999_999, solverFundingCny: 1 },
        solverConditions: '具备轴承设计能力',
      }),
    );
    expectSubmitted(await submit(s));
  });

  it.each([
    ['indicators', { indicators: [] }, '指标参数'],
    ['periodMonths', { periodMonths: 0 }, '时限要求'],
    ['ipOwnership', { ipOwnership: '   ' }, '产权归属'],
    ['investment.solverFundingCny', { investment: { ownPilotCny: 5_000_000, solverFundingCny: 0 } }, '资金投入'],
    ['solverConditions', { solverConditions: '' }, '对揭榜方的条件要求'],
  ])('refuses a demand without %s, naming the field', async (field, overrides, fieldZh) => {
    const s = await prepared(techDraft(overrides));
    const violation = only(expectViolations(await submit(s), ['T-2.4']), 'T-2.4');
    expect(violation.message).toContain(field);
    expect(violation.message_zh).toContain(fieldZh);
  });

  it('names every missing field in one violation', async () => {
    const s = await prepared(
      techDraft({
        indicators: [],
        ipOwnership: '',
        solverConditions: '',
        investment: { ownPilotCny: 5_000_000, solverFundingCny: 0 },
      }),
    );
    const violation = only(expectViolations(await submit(s), ['T-2.4']), 'T-2.4');
    for (const field of ['indicators', 'ipOwnership', 'investment.solverFundingCny', 'solverConditions'])
      expect(violation.message).toContain(field);
    expect(violation.message).not.toContain('periodMonths');
  });
});

describe('T-2.5: the issuer of a techBreakthrough demand is the end user or its representative', () => {
  it('accepts a demand with endUserAttested true', async () => {
    expectSubmitted(await submit(await prepared(techDraft({ endUserAttested: true }))));
  });

  it('refuses a demand with endUserAttested false', async () => {
    const s = await prepared(techDraft({ endUserAttested: false }));
    const violation = only(expectViolations(await submit(s), ['T-2.5']), 'T-2.5');
    expect(violation.message).toContain('endUserAttested');
    expect(violation.message_zh).toContain('最终用户');
  });

  it('does not ask an achievementTransfer issuer (the achievement holder) to be the end user', async () => {
    expectSubmitted(await submit(await prepared(transferDraft({ endUserAttested: false }))));
  });
});

describe('C-2.2: an achievementTransfer states its IP ownership, market and users', () => {
  it('accepts the complete achievementTransfer draft', async () => {
    expectSubmitted(await submit(await prepared(transferDraft())));
  });

  it.each([
    ['ipOwnership', { ipOwnership: ' ' }, '知识产权归属'],
    ['solverConditions', { solverConditions: '' }, '市场用户和应用范围'],
    ['indicators', { indicators: [] }, '技术指标'],
  ])('refuses one without %s, naming the field', async (field, overrides, fieldZh) => {
    const s = await prepared(transferDraft(overrides));
    const violation = only(expectViolations(await submit(s), ['C-2.2']), 'C-2.2');
    expect(violation.message).toContain(field);
    expect(violation.message_zh).toContain(fieldZh);
  });
});

describe('C-2.3: an achievementTransfer has a team to support the transfer', () => {
  it('accepts the leader and one member', async () => {
    expectSubmitted(await submit(await prepared(transferDraft({ leader: 't-lead', team: ['t-lead', 't-m1'] }))));
  });

  it('refuses the leader alone', async () => {
    const s = await prepared(transferDraft({ leader: 't-lead', team: ['t-lead'] }));
    expectViolations(await submit(s), ['C-2.3']);
  });

  it('does not apply to a techBreakthrough demand', async () => {
    expectSubmitted(await submit(await prepared(techDraft({ leader: 'p-lead', team: ['p-lead'] }))));
  });
});

describe('Q-1a: total investment (own pilot spend + R&D funds for the solver) is at least 5,000,000 CNY', () => {
  it('accepts exactly 5,000,000', async () => {
    const s = await prepared(techDraft({ investment: { ownPilotCny: 2_000_000, solverFundingCny: 3_000_000 } }));
    expectSubmitted(await submit(s));
  });

  it('refuses 4,999,999', async () => {
    const s = await prepared(techDraft({ investment: { ownPilotCny: 1_999_999, solverFundingCny: 3_000_000 } }));
    const violation = only(expectViolations(await submit(s), ['Q-1a']), 'Q-1a');
    expect(violation.message).toContain('4,999,999');
    expect(violation.message_zh).toContain('4999999');
  });

  it('applies to an achievementTransfer too', async () => {
    const s = await prepared(transferDraft({ investment: { ownPilotCny: 999_999, solverFundingCny: 4_000_000 } }));
    expectViolations(await submit(s), ['Q-1a']);
  });
});

describe('Q-1d: the implementation period is at most 36 months', () => {
  it('accepts 36 months', async () => {
    expectSubmitted(await submit(await prepared(techDraft({ periodMonths: 36 }))));
  });

  it('refuses 37 months', async () => {
    const s = await prepared(techDraft({ periodMonths: 37 }));
    const violation = only(expectViolations(await submit(s), ['Q-1d']), 'Q-1d');
    expect(violation.message).toContain('37');
  });

  it('refuses 37 months for an achievementTransfer', async () => {
    expectViolations(await submit(await prepared(transferDraft({ periodMonths: 37 }))), ['Q-1d']);
  });
});

describe('Q-2/3: registered units and accounts, details confirmed before submission', () => {
  it('accepts the registered units and persons, leader first, details confirmed', async () => {
    expectSubmitted(await submit(await prepared(techDraft()), true));
  });

  it('refuses a SUBMIT without confirmDetails', async () => {
    const s = await prepared(techDraft());
    const violation = only(expectViolations(await submit(s, false), ['Q-2/3']), 'Q-2/3');
    expect(violation.message).toContain('confirmDetails');
  });

  it('an issuing unit that is not registered gets no token, so it cannot draft (the rule: test/unit/rules/demand)', async () => {
    const unregistered = code(901);
    const r = await h.request('POST', '/api/v1/tokens', h.adminToken, {
      role: 'issuer',
      unit: unregistered,
      label: 'i',
    });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain(unregistered);
  });

  it('refuses a recommending unit that is not registered', async () => {
    const unregistered = code(902, '11650102');
    const s = await prepared(techDraft({ districtUnit: unregistered }));
    const violation = only(expectViolations(await submit(s), ['Q-2/3']), 'Q-2/3');
    expect(violation.message).toContain(unregistered);
  });

  it('refuses a registered recommending unit that is not a district S&T department', async () => {
    const s = await prepared(techDraft({ districtUnit: UNITS.solverC }));
    const violation = only(expectViolations(await submit(s), ['Q-2/3']), 'Q-2/3');
    expect(violation.message).toContain(UNITS.solverC);
  });

  it('refuses a team member without a user account, naming them', async () => {
    const s = await prepared(techDraft({ team: ['p-lead', 'p-m1', 'p-ghost'] }));
    const violation = only(expectViolations(await submit(s), ['Q-2/3']), 'Q-2/3');
    expect(violation.message).toContain('p-ghost');
    expect(violation.message_zh).toContain('p-ghost');
    expect(violation.message).not.toContain('p-m1');
  });

  it('refuses a team that does not list the leader first', async () => {
    const s = await prepared(techDraft({ leader: 'p-lead', team: ['p-m1', 'p-lead', 'p-m2'] }));
    expectViolations(await submit(s), ['Q-2/3']);
  });

  it('refuses a draft with no leader', async () => {
    const s = await prepared(techDraft({ leader: '', team: ['p-m1', 'p-m2'] }));
    expectViolations(await submit(s), ['Q-2/3']);
  });

  it('reports each Q-2/3 problem separately in one refusal', async () => {
    const s = await prepared(techDraft({ districtUnit: code(903, '11650102'), team: ['p-m1', 'p-lead', 'p-ghost'] }));
    const violations = expectViolations(await submit(s, false), ['Q-2/3']);
    expect(violations).toHaveLength(4);
  });
});

describe('Q-4: application form and the integrity pledges of the unit and the leader', () => {
  it('accepts a draft with all three attached', async () => {
    expectSubmitted(await submit(await prepared(techDraft(), { attachments: TECH_ATTACHMENTS })));
  });

  it.each(['applicationForm', 'unitPledge', 'leaderPledge'])('refuses a draft without %s', async (missing) => {
    const s = await prepared(techDraft(), { attachments: TECH_ATTACHMENTS.filter((k) => k !== missing) });
    const violation = only(expectViolations(await submit(s), ['Q-4']), 'Q-4');
    expect(violation.message).toContain(`missing: ${missing}.`);
    expect(violation.message_zh).toContain(missing);
  });

  it('refuses an achievementTransfer without its pledges', async () => {
    const s = await prepared(transferDraft(), {
      attachments: TRANSFER_ATTACHMENTS.filter((k) => k !== 'unitPledge' && k !== 'leaderPledge'),
    });
    const violation = only(expectViolations(await submit(s), ['Q-4']), 'Q-4');
    expect(violation.message).toContain('unitPledge, leaderPledge');
  });
});

describe('Q-5T: techBreakthrough evidence (audit reports 2024 and 2025, capacity, own R&D team)', () => {
  it('accepts a draft with all of it', async () => {
    expectSubmitted(await submit(await prepared(techDraft(), { attachments: TECH_ATTACHMENTS })));
  });

  it.each(['auditReport2024', 'auditReport2025', 'capacityEvidence', 'teamEvidence'])(
    'refuses a draft without %s',
    async (missing) => {
      const s = await prepared(techDraft(), { attachments: TECH_ATTACHMENTS.filter((k) => k !== missing) });
      const violation = only(expectViolations(await submit(s), ['Q-5T']), 'Q-5T');
      expect(violation.message).toContain(`missing: ${missing}.`);
    },
  );

  it('does not ask an achievementTransfer for audit reports', async () => {
    const s = await prepared(transferDraft(), { attachments: TRANSFER_ATTACHMENTS });
    expect((await s.view()).details.attachments.map((a: Json) => a.kind)).not.toContain('auditReport2024');
    expectSubmitted(await submit(s));
  });
});

describe('Q-5C: achievementTransfer evidence (prior tasks, indicator tests, IP documents, support team)', () => {
  it('accepts a draft with all of it', async () => {
    expectSubmitted(await submit(await prepared(transferDraft(), { attachments: TRANSFER_ATTACHMENTS })));
  });

  it.each(['priorTasks', 'indicatorTests', 'ipDocuments', 'supportTeam'])(
    'refuses a draft without %s',
    async (missing) => {
      const s = await prepared(transferDraft(), { attachments: TRANSFER_ATTACHMENTS.filter((k) => k !== missing) });
      const violation = only(expectViolations(await submit(s), ['Q-5C']), 'Q-5C');
      expect(violation.message).toContain(`missing: ${missing}.`);
    },
  );

  it('does not ask a techBreakthrough for IP documents', async () => {
    const s = await prepared(techDraft(), { attachments: TECH_ATTACHMENTS });
    expect((await s.view()).details.attachments.map((a: Json) => a.kind)).not.toContain('ipDocuments');
    expectSubmitted(await submit(s));
  });
});

describe('Q-9: ethics review report for work flagged ethics-sensitive', () => {
  it('accepts an ethics-sensitive draft with the ethics review attached', async () => {
    const s = await prepared(techDraft({ domain: 'biomedicine', ethicsSensitive: true }), {
      attachments: [...TECH_ATTACHMENTS, 'ethicsReview'],
    });
    expectSubmitted(await submit(s));
  });

  it('refuses an ethics-sensitive draft without it', async () => {
    const s = await prepared(techDraft({ domain: 'biomedicine', ethicsSensitive: true }), {
      attachments: TECH_ATTACHMENTS,
    });
    const violation = only(expectViolations(await submit(s), ['Q-9']), 'Q-9');
    expect(violation.message).toContain('ethicsReview');
  });

  it('refuses an ethics-sensitive achievementTransfer without it', async () => {
    const s = await prepared(transferDraft({ ethicsSensitive: true }), { attachments: TRANSFER_ATTACHMENTS });
    expectViolations(await submit(s), ['Q-9']);
  });

  it('does not ask for it when the draft is not flagged', async () => {
    expectSubmitted(
      await submit(await prepared(techDraft({ ethicsSensitive: false }), { attachments: TECH_ATTACHMENTS })),
    );
  });
});

describe('Q-10: classified projects are not submitted online', () => {
  const listed = async (domain: string) =>
    (await h.request('GET', `/api/v1/challenges?domain=${domain}&limit=200`, p.bureau)).body.items as Json[];

  function expectOfflineChannel(reply: Reply) {
    const violation = only(expectViolations(reply, ['Q-10']), 'Q-10');
    expect(reply.body.error.clause).toBe('Q-10');
    expect(violation.message).toContain('municipal S&T bureau');
    expect(violation.message).toContain('directly');
    expect(violation.message_zh).toContain('不得通过网上申报');
    expect(violation.message_zh).toContain('直接报送至市科技局');
  }

  it('refuses to create a classified draft, pointing to the offline channel, and creates nothing', async () => {
    // lowAltitude is used by no other test here: the list shows whether anything was created.
    const draft = techDraft({ domain: 'lowAltitude', title: '涉密低空项目' });
    const refused = await h.request('POST', '/api/v1/challenges', p.issuer, { ...draft, classified: true });
    expectOfflineChannel(refused);
    expect(await listed('lowAltitude')).toEqual([]);

    const created = await h.request('POST', '/api/v1/challenges', p.issuer, { ...draft, classified: false });
    expect(created.status).toBe(201);
    expect((await listed('lowAltitude')).map((c) => c.id)).toEqual([created.body.id]);
  });

  it('refuses an UPDATE to classified: true and leaves the draft as it was', async () => {
    const s = await prepared(techDraft());
    const before = await s.view();
    const refused = await s.send(p.issuer, { type: 'UPDATE', classified: true, title: '改为涉密' });
    expectOfflineChannel(refused);
    const after = await s.view();
    expect(after.version).toBe(before.version);
    expect(after.details.draft).toEqual(before.details.draft);
    expect(after.details.draft.classified).toBe(false);

    const accepted = await s.send(p.issuer, { type: 'UPDATE', classified: false, title: '改名' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.version).toBe(before.version + 1);
    expectSubmitted(await submit(s));
  });
});

describe('H-1: a horse race is a techBreakthrough with two or more different routes', () => {
  const route = (name: string, investmentCny = 1_500_000) => ({ name, investmentCny });

  it('accepts two distinct routes', async () => {
    const s = await prepared(techDraft({ horseRace: { routes: [route('陶瓷混合轴承'), route('全钢渗碳轴承')] } }));
    const reply = await submit(s);
    expectSubmitted(reply);
    expect(reply.after.details.draft.horseRace.routes).toHaveLength(2);
  });

  it('refuses a horse race on an achievementTransfer', async () => {
    const s = await prepared(transferDraft({ horseRace: { routes: [route('路线甲'), route('路线乙')] } }));
    const violations = expectViolations(await submit(s), ['H-1']);
    expect(violations.some((v) => v.message.includes('achievement transfer'))).toBe(true);
  });

  it('refuses a single route', async () => {
    const s = await prepared(techDraft({ horseRace: { routes: [route('陶瓷混合轴承')] } }));
    const violation = only(expectViolations(await submit(s), ['H-1']), 'H-1');
    expect(violation.message).toContain('two different technical routes');
  });

  it('refuses no routes at all', async () => {
    expectViolations(await submit(await prepared(techDraft({ horseRace: { routes: [] } }))), ['H-1']);
  });

  it('refuses two routes with the same name', async () => {
    const s = await prepared(techDraft({ horseRace: { routes: [route('陶瓷混合轴承'), route('陶瓷混合轴承')] } }));
    expectViolations(await submit(s), ['H-1']);
  });

  it('refuses two routes whose names differ only by surrounding spaces', async () => {
    const s = await prepared(techDraft({ horseRace: { routes: [route('陶瓷混合轴承'), route(' 陶瓷混合轴承 ')] } }));
    expectViolations(await submit(s), ['H-1']);
  });
});

describe('H-2: the issuer states the investment of each route', () => {
  it('accepts routes of 1 CNY each', async () => {
    const s = await prepared(
      techDraft({
        horseRace: {
          routes: [
            { name: 'A', investmentCny: 1 },
            { name: 'B', investmentCny: 1 },
          ],
        },
      }),
    );
    expectSubmitted(await submit(s));
  });

  it('refuses a route with 0, naming it', async () => {
    const s = await prepared(
      techDraft({
        horseRace: {
          routes: [
            { name: '路线甲', investmentCny: 1 },
            { name: '路线乙', investmentCny: 0 },
          ],
        },
      }),
    );
    const violation = only(expectViolations(await submit(s), ['H-2']), 'H-2');
    expect(violation.message).toContain('路线乙');
    expect(violation.message).not.toContain('路线甲');
  });
});

describe('a SUBMIT that breaks several clauses reports all of them at once', () => {
  it('lists every failing clause of a techBreakthrough draft', async () => {
    const s = await prepared(
      techDraft({
        domain: 'ai',
        team: ['p-m1', 'p-lead'],
        periodMonths: 37,
        ipOwnership: '',
        investment: { ownPilotCny: 1_000_000, solverFundingCny: 3_999_999 },
        endUserAttested: false,
        ethicsSensitive: true,
        horseRace: { routes: [{ name: '唯一路线', investmentCny: 0 }] },
      }),
      { attachments: TECH_ATTACHMENTS.filter((k) => k !== 'leaderPledge' && k !== 'teamEvidence') },
    );
    const reply = await submit(s, false);
    const violations = expectViolations(reply, [
      'Q-2/3',
      'T-2.4',
      'T-2.5',
      'Q-1a',
      'Q-1d',
      'Q-4',
      'Q-5T',
      'Q-9',
      'H-1',
      'H-2',
    ]);
    // Q-2/3 twice: details not confirmed, and the leader not first.
    expect(violations.filter((v) => v.clause === 'Q-2/3')).toHaveLength(2);
    expect(violations).toHaveLength(11);
    expect(reply.body.error.message).toContain('11 problems');
    expect(reply.body.error.message_zh).toContain('共 11 处问题');
  });

  it('lists every failing clause of an achievementTransfer draft', async () => {
    const s = await prepared(
      transferDraft({
        districtUnit: UNITS.issuer,
        team: ['t-lead'],
        solverConditions: '',
        periodMonths: 40,
        horseRace: {
          routes: [
            { name: 'A', investmentCny: 1 },
            { name: 'B', investmentCny: 1 },
          ],
        },
      }),
      { attachments: TRANSFER_ATTACHMENTS.filter((k) => k !== 'applicationForm' && k !== 'ipDocuments') },
    );
    expectViolations(await submit(s), ['Q-2/3', 'C-2.2', 'C-2.3', 'Q-1d', 'Q-4', 'Q-5C', 'H-1']);
  });
});
