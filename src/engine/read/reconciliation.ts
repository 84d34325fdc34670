/** A challenge's money per track against its caps (machines/challenge/reconciliation.ts), for those who may read it. */
import { reconcile, type TrackReconciliation } from '../../../machines/challenge/reconciliation.js';
import type { Caller } from '../../base/caller.js';
import { forbidden, notFound } from '../../base/errors.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge } from '../load-challenge.js';
import { visibilityOf } from './view.js';

export async function readReconciliation(
  deps: Pick<EngineDeps, 'store' | 'cache'>,
  id: string,
  caller: Caller,
): Promise<{ challengeId: string; items: TrackReconciliation[] }> {
  const loaded = await loadChallenge(deps, id);
  if (!loaded) throw notFound('challenge', id, '榜单');
  const seen = visibilityOf(loaded.snapshot, caller);
  // As a challenge read: one outside the caller's sight reads as absent; a published call of
  // another unit is seen as the public sees it, without its money.
  if (seen === 'none') throw notFound('challenge', id, '榜单');
  if (seen !== 'full')
    throw forbidden(
      'Only the bureau, finance, auditors and the issuer of this challenge read its reconciliation.',
      '仅市科技局、财务、审计人员及本榜单发榜方可查看资金对账。',
    );
  return { challengeId: id, items: reconcile(loaded.snapshot.context) };
}
