/** One challenge as its caller sees it, loaded through the snapshot cache. */

import type { Caller } from '../../base/caller.js';
import { notFound } from '../../base/errors.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge } from '../load-challenge.js';
import { type ChallengeView, challengeView, visibilityOf } from './view.js';

export async function readChallenge(
  deps: Pick<EngineDeps, 'store' | 'cache'>,
  id: string,
  caller: Caller,
): Promise<ChallengeView> {
  const loaded = await loadChallenge(deps, id);
  if (!loaded) throw notFound('challenge', id, '榜单');
  const { head: row, snapshot } = loaded;
  // A challenge outside the caller's sight reads as absent: its existence is not disclosed.
  if (visibilityOf(snapshot, caller) === 'none') throw notFound('challenge', id, '榜单');
  return challengeView(snapshot, { version: row.version, machineVersion: row.machineVersion }, caller);
}
