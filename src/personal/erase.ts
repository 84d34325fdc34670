/**
 * Erasure on a lawful request (PIPL art. 47; issue 16): the values named are found by their
 * blind index and crypto-shredded (src/personal/vault.ts `erase`). The refs stay in the events,
 * so every chain verifies; what they stood for cannot be read or found again.
 */
import type { PersonalKind } from './kinds.js';
import { erase, findRef, type Vault } from './vault.js';

export async function eraseValues(
  vault: Vault,
  values: readonly { kind: PersonalKind; value: string }[],
  now: string,
  by: string,
): Promise<number> {
  const refs: string[] = [];
  for (const { kind, value } of values) {
    const ref = await findRef(vault, kind, value);
    if (ref) refs.push(ref);
  }
  // Recorded even when nothing was found: the request was answered, and the record says how.
  return erase(vault, refs, now, by);
}
