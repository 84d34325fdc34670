/** What every engine operation is given: the store, the snapshot cache, the clock. */
import type { TokenRole } from '../access/roles.js';
import type { Clock } from './clock.js';
import type { GroupCommit } from './group-commit.js';
import type { SnapshotCache } from './snapshots.js';
import type { Store } from './store.js';

export interface EngineDeps {
  store: Store;
  cache: SnapshotCache;
  clock: Clock;
  /** Batches the commits of events sent in the same turn of the event loop. */
  commits: GroupCommit;
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
