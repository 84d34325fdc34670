/**
 * The golden histories (test/fixtures/golden/, one per path through the nine stages and each
 * early outcome) replay under the machine registry exactly: every hash, every state_after, the
 * final snapshot. A change to the machine that would rewrite a stored history fails here.
 */
import { describe, expect, it } from 'vitest';
import { stageOf } from '../../machines/challenge/stage.js';
import { machineRegistry } from '../../machines/challenge/versions.js';
import { loadGoldens, replayGolden } from '../golden/golden.js';
import { goldenPaths } from '../golden/paths.js';

const goldens = loadGoldens();

describe('golden histories', () => {
  it('has one recorded history for every path of test/golden/paths.ts', () => {
    expect(goldens.map((g) => g.name).sort()).toEqual(goldenPaths.map((p) => p.name).sort());
  });

  it.each(goldens.map((g) => [g.name, g] as const))('%s replays under the registry without divergence', (_, g) => {
    expect(replayGolden(g.events, g.head, machineRegistry)).toBeNull();
    expect(g.events.length).toBe(g.head.version);
  });

  it('covers the nine stages and every outcome', () => {
    const stageOfRow = (stateAfter: string) => stageOf(JSON.parse(stateAfter));
    const visited = new Set(goldens.flatMap((g) => g.events.map((e) => stageOfRow(e.stateAfter))));
    const endings = new Set(goldens.map((g) => stageOfRow((g.events.at(-1) as { stateAfter: string }).stateAfter)));
    const nine = ['collection', 'review', 'publication', 'matching', 'expertReview', 'announcement', 'disbursement'];
    for (const stage of [...nine, 'management', 'evaluation']) expect(visited).toContain(stage);
    for (const outcome of ['withdrawn', 'notAccepted', 'rejected', 'unfilled', 'terminated', 'closed'])
      expect(endings).toContain(outcome);
  });

  it('detects a golden history edited by one byte', () => {
    const g = goldens.find((x) => x.name === 'closed-passed');
    if (!g) throw new Error('closed-passed golden missing');
    const events = g.events.map((e) => ({ ...e }));
    const row = events[9] as { payload: string };
    row.payload = row.payload.replace('"', '"\u200b');
    expect(replayGolden(events, g.head, machineRegistry)).toMatchObject({ seq: 10, check: 'hash' });
  });
});
