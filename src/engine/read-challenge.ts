/** One challenge as its caller sees it, loaded through the snapshot cache. */
import type { Caller, EngineDeps } from './engine.js';
import { notFound } from './errors.js';
import { type ChallengeView, challengeView } from './view.js';

export function readChallenge(deps: Pick<EngineDeps, 'store' | 'cache'>, id: string, caller: Caller): ChallengeView {
  const row = deps.store.challengeById.get({ id });
  if (!row) throw notFound('challenge', id, '榜单');
  const snapshot = deps.cache.load(row.id, row.version, row.snapshot);
  return challengeView(snapshot, { version: row.version, machineVersion: row.machineVersion }, caller.role);
}
