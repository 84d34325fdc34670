/** What every engine operation is given: the store, the snapshot cache, the clock. */
import type { TokenRole } from '../access/roles.js';
import type { Clock } from './clock.js';
import type { SnapshotCache } from './snapshots.js';
import type { Store } from './store.js';

export interface EngineDeps {
  store: Store;
  cache: SnapshotCache;
  clock: Clock;
  /** Runs after a commit that added or cancelled timers (the scheduler re-arms). */
  onTimersChanged?: () => void;
}

/** The caller, from the bearer token. */
export interface Caller {
  tokenId: string;
  role: TokenRole;
  unit?: string;
  person?: string;
}
