/**
 * Idempotency-Key (api.md): the same key and body return the first response; the same key with
 * another body is 422. Keys are scoped to the caller's token. Only accepted requests are kept:
 * a refused request changed nothing, so retrying it simply asks again.
 */

import type { Caller } from '../../base/caller.js';
import { AppError } from '../../base/errors.js';
import { canonicalJson, sha256Hex } from '../canonical.js';
import type { ChallengeSummary, ChallengeView } from '../read/view.js';
import type { Store } from '../store.js';

/** The first answer to a key: an event's summary, or a creation's whole view. */
export interface StoredResponse<View extends ChallengeSummary = ChallengeSummary> {
  statusCode: number;
  view: View;
  replayed: true;
}

/** The fingerprint of a request, computed only when it carries a key (no cost otherwise). */
export const requestHashOf = (key: string | undefined, request: unknown): string =>
  key === undefined ? '' : sha256Hex(canonicalJson(request));

export async function earlierResponse<View extends ChallengeSummary = ChallengeSummary>(
  store: Pick<Store, 'idempotencyGet'>,
  caller: Caller,
  key: string | undefined,
  requestHash: string,
): Promise<StoredResponse<View> | undefined> {
  if (key === undefined) return undefined;
  const earlier = await store.idempotencyGet.get({ tokenId: caller.tokenId, key });
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash)
    throw new AppError(
      'IDEMPOTENCY_MISMATCH',
      'This Idempotency-Key was used with a different request; use a new key for a new request.',
      '该 Idempotency-Key 已用于另一请求，新的请求请使用新的键。',
    );
  return { statusCode: earlier.statusCode, view: JSON.parse(earlier.response) as View, replayed: true };
}

/** Call inside the transaction that commits the request. */
export async function rememberResponse(
  store: Pick<Store, 'idempotencyPut'>,
  caller: Caller,
  key: string | undefined,
  requestHash: string,
  statusCode: number,
  view: ChallengeSummary | ChallengeView,
  at: string,
): Promise<void> {
  if (key === undefined) return;
  await store.idempotencyPut.run({
    tokenId: caller.tokenId,
    key,
    requestHash,
    statusCode,
    response: JSON.stringify(view),
    at,
  });
}
