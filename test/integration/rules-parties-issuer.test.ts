/**
 * Who may post a challenge (T-1, T-2.2, C-1) and the §4 restrictions at SUBMIT (L-1, L-2a,
 * L-2b, L-3), each proved through the API on registry data the test sets up itself: allowed
 * just inside the limit, refused just outside it, with the clause. The clock stands at
 * 2026-05-06 10:00 Beijing time, so the 3-year look-back starts on 2023-05-06.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horseRace, type Parties, registerParties, token, transferDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, replayAll, startHarness } from '../helpers/harness.js';
import { Registry, submitOf } from '../helpers/registry.js';
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

describe('T-1: a techBreakthrough issuer is an in-city unit with independent legal-person status', () => {
  it('accepts an in-city enterprise and an in-city institute with legal-person status', async () => {
    for (const type of ['enterprise', 'institute']) {
      const issuer = await r.issuer({ type });
      expectAccepted(await submitOf(await r.draft(p, issuer)));
    }
  });

  it('refuses a unit outside the city, one without legal-person status, and a government department', async () => {
    for (const spec of [{ inCity: false }, { legalPerson: false }, { type: 'districtDept' }]) {
      const issuer = await r.issuer(spec);
      const [v] = expectRefused(await submitOf(await r.draft(p, issuer)), 'T-1');
      expect(v.message).toContain(issuer.unit);
    }
  });
});

describe('H-1: only an enterprise posts a horse race (由同一企业提出)', () => {
  it("refuses a research institute's horse race and accepts an enterprise's", async () => {
    const institute = await r.issuer({ type: 'institute' });
    const [v] = expectRefused(await submitOf(await r.draft(p, institute, { horseRace })), 'H-1');
    expect(v.message).toContain(institute.unit);
    expect(v.message_zh).toContain('须由企业提出');
    const enterprise = await r.issuer({ type: 'enterprise' });
    expectAccepted(await submitOf(await r.draft(p, enterprise, { horseRace })));
  });
});

describe('C-1: an achievementTransfer issuer is a university, institute, enterprise or new R&D institution', () => {
  const transfer = async (type: string, inCity: boolean) => {
    const issuer = await r.issuer({ type, inCity });
    const s = await r.draft(
      p,
      issuer,
      transferDraft({ issuerUnit: issuer.unit, leader: issuer.team[0], team: issuer.team }),
    );
    return submitOf(s);
  };

  it('accepts a new R&D institution from outside the city', async () => {
    expectAccepted(await transfer('newRdInstitution', false));
  });

  it('refuses an innovation platform and an "other" unit', async () => {
    expectRefused(await transfer('platform', true), 'C-1');
    expectRefused(await transfer('other', false), 'C-1');
  });
});

describe('T-2.2: no serious dishonesty record in the 3 years before the submission', () => {
  const withDishonesty = async (record: { from: string; to?: string }) => {
    const issuer = await r.issuer();
    await r.record({ subject: { unit: issuer.unit }, kind: 'dishonesty', ...record });
    return submitOf(await r.draft(p, issuer));
  };

  it('accepts a record that ended the day before the look-back starts (2023-05-05)', async () => {
    expectAccepted(await withDishonesty({ from: '2021-03-01', to: '2023-05-05' }));
  });

  it('refuses a record that ended on the first day of the look-back (2023-05-06)', async () => {
    const [v] = expectRefused(await withDishonesty({ from: '2021-03-01', to: '2023-05-06' }), 'T-2.2');
    expect(v.message).toContain('2023-05-06');
  });

  it('refuses a record still in force, and ignores one that starts after the submission', async () => {
    expectRefused(await withDishonesty({ from: '2019-01-01' }), 'T-2.2');
    expectAccepted(await withDishonesty({ from: '2026-05-07' }));
  });

  it('does not apply to an achievementTransfer issuer (the guide sets no credit condition there)', async () => {
    const issuer = await r.issuer({ type: 'university' });
    await r.record({ subject: { unit: issuer.unit }, kind: 'dishonesty', from: '2025-01-01' });
    const s = await r.draft(
      p,
      issuer,
      transferDraft({ issuerUnit: issuer.unit, leader: issuer.team[0], team: issuer.team }),
    );
    expectAccepted(await submitOf(s));
  });
});

describe('L-1: no city project overdue for acceptance by 365 days or more', () => {
  // Overdue from the start of (plannedEnd + 1 day + 365 days), Beijing time: on 2026-05-06 a
  // project planned to end on 2025-05-05 is overdue, one planned to end on 2025-05-06 is not yet.
  const withProject = async (plannedEnd: string, status = 'ongoing') => {
    const issuer = await r.issuer();
    await r.record({
      subject: { unit: issuer.unit },
      kind: 'cityProject',
      from: '2023-01-01',
      projectId: `P-${plannedEnd}`,
      status,
      plannedEnd,
    });
    return { issuer, reply: await submitOf(await r.draft(p, issuer)) };
  };

  it('accepts a unit whose ongoing project is one day short of a year overdue', async () => {
    expectAccepted((await withProject('2025-05-06')).reply);
  });

  it('refuses a unit whose ongoing project is a year overdue, naming the project', async () => {
    const [v] = expectRefused((await withProject('2025-05-05')).reply, 'L-1');
    expect(v.message).toContain('P-2025-05-05');
  });

  it('accepts the unit once a later record says that project was accepted', async () => {
    const issuer = await r.issuer();
    const project = {
      subject: { unit: issuer.unit },
      kind: 'cityProject',
      projectId: 'P-old',
      plannedEnd: '2024-12-31',
    };
    await r.record({ ...project, from: '2022-01-01', status: 'ongoing' });
    const s = await r.draft(p, issuer);
    expectRefused(await submitOf(s), 'L-1');
    await r.record({ ...project, from: '2026-05-01', status: 'accepted' });
    expectAccepted(await submitOf(s));
  });
});

describe('L-2a: the applying unit has at most 3 ongoing city projects', () => {
  const withOngoing = async (n: number) => {
    const issuer = await r.issuer();
    for (let i = 0; i < n; i++)
      await r.record({
        subject: { unit: issuer.unit },
        kind: 'cityProject',
        from: '2025-01-01',
        projectId: `ON-${i}`,
        status: 'ongoing',
        plannedEnd: '2027-12-31',
      });
    return submitOf(await r.draft(p, issuer));
  };

  it('accepts a unit with 3 ongoing projects', async () => {
    expectAccepted(await withOngoing(3));
  });

  it('refuses a unit with 4 ongoing projects (its fifth)', async () => {
    const [v] = expectRefused(await withOngoing(4), 'L-2a');
    expect(v.message).toContain('4');
  });
});

describe('L-2b: each of the top 3 people: ongoing projects + this year’s applications ≤ 2, this one counted', () => {
  it('accepts a person on a second challenge, refuses them on a third, naming the other two', async () => {
    const issuer = await r.issuer();
    const shared = issuer.team;
    const first = await r.draft(p, issuer);
    expectAccepted(await submitOf(first));
    const second = await r.draft(p, issuer);
    expectAccepted(await submitOf(second));
    const third = await r.draft(p, issuer);
    const refused = expectRefused(await submitOf(third), 'L-2b');
    expect(refused).toHaveLength(3);
    expect(refused[0].message).toContain(shared[0]);
    expect(refused[0].message).toContain(first.id);
    expect(refused[0].message).toContain(second.id);
  });

  it('counts an imported ongoing project: one ongoing + this application is allowed, + one more application is not', async () => {
    const issuer = await r.issuer();
    const [lead = ''] = issuer.team;
    await r.record({
      subject: { person: lead },
      kind: 'cityProject',
      from: '2025-01-01',
      projectId: 'ON-person',
      status: 'ongoing',
      plannedEnd: '2027-12-31',
    });
    expectAccepted(await submitOf(await r.draft(p, issuer)));
    const [v] = expectRefused(await submitOf(await r.draft(p, issuer)), 'L-2b');
    expect(v.message).toContain(lead);
    expect(v.message).toContain('ON-person');
  });

  it('counts only the first 3 of the team: a fourth member on three challenges still has no load', async () => {
    // One issuing unit's challenges: a team is the issuer's own people.
    const owner = await r.issuer();
    const busy = await r.person(owner.unit);
    const freshTeam = async () => ({ ...owner, team: await r.team(owner.unit) });
    for (let i = 0; i < 3; i++) {
      const other = await freshTeam();
      expectAccepted(await submitOf(await r.draft(p, other, { team: [...other.team, busy] })));
    }
    const led: string[] = [];
    for (let i = 0; i < 2; i++) {
      const other = await freshTeam();
      const s = await r.draft(p, other, { leader: busy, team: [busy, ...other.team.slice(1)] });
      expectAccepted(await submitOf(s));
      led.push(s.id);
    }
    const other = await freshTeam();
    const third = await r.draft(p, other, { leader: busy, team: [busy, ...other.team.slice(1)] });
    const [v] = expectRefused(await submitOf(third), 'L-2b');
    expect(v.message).toContain(busy);
    expect(v.message).toContain(`: ${led.join(', ')}.`);
  });

  it('frees the place when an application is withdrawn', async () => {
    const issuer = await r.issuer();
    const first = await r.draft(p, issuer);
    expectAccepted(await submitOf(first));
    expectAccepted(await submitOf(await r.draft(p, issuer)));
    const third = await r.draft(p, issuer);
    expectRefused(await submitOf(third), 'L-2b');
    expectAccepted(await first.send(issuer.token, { type: 'WITHDRAW', reason: '调整申报计划' }));
    expectAccepted(await submitOf(third));
  });
});

describe('L-3: no unit, leader or team member inside a research-misconduct penalty period', () => {
  const withPenalty = async (on: 'unit' | 'member', period: { from: string; to?: string }) => {
    const issuer = await r.issuer();
    const subject = on === 'unit' ? { unit: issuer.unit } : { person: issuer.team[2] };
    await r.record({ subject, kind: 'misconduct', ...period });
    return { issuer, reply: await submitOf(await r.draft(p, issuer)) };
  };

  it('accepts a team member whose penalty ended yesterday or starts tomorrow', async () => {
    expectAccepted((await withPenalty('member', { from: '2024-01-01', to: '2026-05-05' })).reply);
    expectAccepted((await withPenalty('member', { from: '2026-05-07', to: '2028-05-06' })).reply);
  });

  it('refuses a team member whose penalty ends today, naming them', async () => {
    const { issuer, reply } = await withPenalty('member', { from: '2024-01-01', to: '2026-05-06' });
    const [v] = expectRefused(reply, 'L-3');
    expect(v.message).toContain(issuer.team[2]);
  });

  it('refuses a unit whose open-ended penalty started today', async () => {
    expectRefused((await withPenalty('unit', { from: '2026-05-06' })).reply, 'L-3');
  });
});

describe('facts in events: what a decision rested on is stored with it', () => {
  it('stores the issuer’s records in the SUBMIT event, and replay reproduces every state after the registry changed', async () => {
    const issuer = await r.issuer();
    await r.record({ subject: { unit: issuer.unit }, kind: 'dishonesty', from: '2019-01-01', to: '2022-12-31' });
    const s = await r.draft(p, issuer);
    expectAccepted(await submitOf(s));

    const history = await h.request('GET', `/api/v1/challenges/${s.id}/history`, p.auditor);
    const submit = history.body.items.find((e: { type: string }) => e.type === 'SUBMIT');
    expect(submit.facts.units[issuer.unit]).toMatchObject({
      registered: true,
      inCity: true,
      legalPerson: true,
      dishonesty: [{ from: '2019-01-01', to: '2022-12-31' }],
      misconduct: [],
    });

    // The registry changes after the decision: a new record would refuse the same SUBMIT today…
    await r.record({ subject: { unit: issuer.unit }, kind: 'dishonesty', from: '2026-01-01' });
    expectRefused(await submitOf(await r.draft(p, issuer)), 'T-2.2');
    // …but replay re-checks the stored facts, so every stored state comes back.
    expect(await replayAll(h.app)).toEqual([]);
  });
});

describe('records API', () => {
  it('refuses a wrong unit code, naming the character at fault', async () => {
    const reply = await h.request('POST', '/api/v1/records', ADMIN_TOKEN, {
      subject: { unit: '91650100000000001X' },
      kind: 'dishonesty',
      from: '2025-01-01',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    expect(reply.body.error.message).toMatch(/Character 18/);
  });

  it('refuses unregistered subjects, a period that ends before it starts, and an affiliation of a person', async () => {
    const unit = await r.unit();
    const person = await r.person(unit);
    const other = await r.unit();
    const cases = [
      { subject: { person: 'nobody' }, kind: 'misconduct', from: '2025-01-01' },
      { subject: { unit }, kind: 'misconduct', from: '2025-01-02', to: '2025-01-01' },
      { subject: { person }, kind: 'affiliation', from: '2025-01-01', otherUnit: other, relation: 'equity' },
      { subject: { unit }, kind: 'affiliation', from: '2025-01-01', otherUnit: unit, relation: 'equity' },
      {
        subject: { unit },
        kind: 'cityProject',
        from: '2025-01-01',
        projectId: 'x',
        status: 'paused',
        plannedEnd: '2026-01-01',
      },
    ];
    for (const body of cases) {
      const reply = await h.request('POST', '/api/v1/records', ADMIN_TOKEN, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
    }
    const list = await h.request('GET', `/api/v1/records?subject=${unit}`, p.auditor);
    expect(list.body.items).toEqual([]);
  });

  it('lists a subject’s records, including affiliations that name it, for the bureau and auditors only', async () => {
    const parent = await r.unit();
    const child = await r.unit();
    const link = await r.record({
      subject: { unit: parent },
      kind: 'affiliation',
      from: '2020-01-01',
      otherUnit: child,
      relation: 'subordination',
    });
    const own = await r.record({ subject: { unit: child }, kind: 'misconduct', from: '2025-01-01', to: '2027-01-01' });
    const list = await h.request('GET', `/api/v1/records?subject=${child}`, p.bureau);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([link.id, own.id]);
    const page = await h.request('GET', `/api/v1/records?subject=${child}&limit=1`, p.auditor);
    expect(page.body.items).toHaveLength(1);
    const next = await h.request(
      'GET',
      `/api/v1/records?subject=${child}&limit=1&cursor=${page.body.nextCursor}`,
      p.auditor,
    );
    expect(next.body.items[0].id).toBe(own.id);
    expect(next.body.nextCursor).toBeNull();
    expect((await h.request('GET', `/api/v1/records?subject=${child}`, p.issuer)).status).toBe(403);
    const issuerPost = await h.request('POST', '/api/v1/records', p.issuer, {
      subject: { unit: child },
      kind: 'dishonesty',
      from: '2025-01-01',
    });
    expect(issuerPost.status).toBe(403);
    const bureau = await token(h, 'bureau');
    const added = await h.request('POST', '/api/v1/records', bureau, {
      subject: { unit: child },
      kind: 'dishonesty',
      from: '2025-01-01',
    });
    expect(added.status).toBe(201);
  });
});
