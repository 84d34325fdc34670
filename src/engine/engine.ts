/** What every engine operation is given: the store, the snapshot cache, the clock. */
import type { SnapshotCache } from './snapshots.js';
import type { Store } from './store.js';
import type { Clock } from './time/clock.js';
import type { GroupCommit } from './write/group-commit.js';

export interface EngineDeps {
  store: Store;
  cache: SnapshotCache;
  clock: Clock;
  /** Batches the commits of events sent in the same turn of the event loop. */
  commits: GroupCommit;
  /** Runs after a commit that added or cancelled timers (the scheduler re-arms). */
  onTimersChanged?: () => void;
  /** Runs after the scheduler fired a timer or settled it refused (metrics). */
  onTimerFired?: (type: string, outcome: 'accepted' | 'refused') => void;
}
