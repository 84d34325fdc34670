/**
 * §4 counted over this service's own challenges, not only imported records: projects awarded
 * here are ongoing for L-2a, and ACCEPTANCE_OVERDUE marks the issuer and solver units overdue
 * for L-1. Each test walks real challenges on its own harness, because it moves the clock and
 * loads its parties with projects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { wlmq2026 } from '../../machines/programme.js';
import { type Parties, registerParties, techDraft } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, type Harness, startHarness } from '../helpers/harness.js';
import { ChallengeDriver, runOutTheNotices } from '../helpers/lifecycle.js';
import { bidOf, Registry, submitOf } from '../helpers/registry.js';
import { expectAccepted, expectRefused } from '../helpers/replies.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup(): Promise<{ h: Harness; p: Parties; r: Registry }> {
  h = await startHarness();
  return { h, p: await registerParties(h), r: new Registry(h) };
}

describe('L-2a over this service’s projects', () => {
  it("allows a unit's fourth application with 3 projects ongoing here, refuses its fifth with 4", async () => {
    const { h, p, r } = await setup();
    const issuer = await r.issuer();
    /** A challenge of this issuer (its own team each time, so L-2b stays out of it) taken to the announcement. */
    const announced = async () => {
      const team = await r.team(issuer.unit);
      const s = new ChallengeDriver(h, p, { issuer: issuer.token });
      await s.create(techDraft({ issuerUnit: issuer.unit, leader: team[0], team }));
      await s.toAnnouncement();
      return s;
    };
    // Every notice period runs out: the announced challenges enter disbursement, ongoing projects.
    const first = [await announced(), await announced(), await announced()];
    await runOutTheNotices(first);
    const fourth = await announced(); // its SUBMIT passed L-2a with 3 ongoing
    await fourth.runOutTheNotice();

    const team = await r.team(issuer.unit);
    const fifth = await r.draft(p, issuer, { leader: team[0], team });
    const [v] = expectRefused(await submitOf(fifth), 'L-2a');
    for (const s of [...first, fourth]) expect(v.message).toContain(s.id);
    expect(v.message).toContain('4 ongoing');
  });
});

describe('L-1 over this service’s projects: ACCEPTANCE_OVERDUE marks the issuer and the solver', () => {
  it('allows both a millisecond before the overdue instant, refuses both from it', async () => {
    const { h, p, r } = await setup();
    // A programme whose submission window is still open years later, so the issuer can apply again.
    const late = {
      ...wlmq2026,
      name: '测试：长期开放的申报批次',
      submission: { opensAt: '2026-01-01T00:00:00+08:00', closesAt: '2035-12-31T23:59:59+08:00' },
      recommendationClosesAt: '2036-01-31T19:30:00+08:00',
    };
    expect((await h.request('PUT', '/api/v1/programmes/test-late', ADMIN_TOKEN, late)).status).toBe(200);

    const issuer = await r.issuer();
    const project = new ChallengeDriver(h, p, { issuer: issuer.token });
    await project.create(
      techDraft({ issuerUnit: issuer.unit, leader: issuer.team[0], team: issuer.team, periodMonths: 12 }),
    );
    // Another challenge stays open for bids for years, for the solver to bid on later.
    const open = new ChallengeDriver(h, p);
    await open.create();
    await open.toMatching(6 * 365);
    await project.toManagement(undefined, '2026-08-01');

    await project.runOutThePeriod();
    const overdueAt = (await project.view()).deadlines.find((d: { type: string }) => d.type === 'ACCEPTANCE_OVERDUE')
      .dueAt as string;
    const solver = { unit: (await project.view()).tracks[0].solverUnit as string, token: p.solverA };
    const applyAgain = async () => {
      const team = await r.team(issuer.unit);
      const s = new ChallengeDriver(h, p, { issuer: issuer.token });
      await s.create(techDraft({ programmeId: 'test-late', issuerUnit: issuer.unit, leader: team[0], team }));
      await s.attachAll();
      return submitOf(s);
    };
    const bidAgain = async (bidId: string) =>
      open.send(solver.token, bidOf({ unit: solver.unit, team: await r.team(solver.unit, 2) }, bidId));

    await h.at(new Date(Date.parse(overdueAt) - 1).toISOString());
    expect((await project.view()).stage).toBe('evaluation');
    expectAccepted(await applyAgain());
    expectAccepted(await bidAgain('before'));

    await h.at(overdueAt);
    expect((await project.view()).details.overdue).toBe(true);
    const [v] = expectRefused(await applyAgain(), 'L-1');
    expect(v.message).toContain(project.id);
    const [w] = expectRefused(await bidAgain('after'), 'L-1');
    expect(w.message).toContain(`${project.id}/bid-1`);
  });
});
