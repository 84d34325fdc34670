/**
 * Wakes the dispatchers of this process after a commit that wrote outbox rows. The wake-up runs
 * on a later turn of the event loop (setImmediate), so after the transaction has committed — or
 * rolled back, in which case the dispatcher simply finds nothing new.
 */
const listeners = new Set<() => void>();
let scheduled = false;

export function onWake(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function wakeDispatchers(): void {
  if (scheduled || listeners.size === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    for (const listener of listeners) listener();
  });
}
