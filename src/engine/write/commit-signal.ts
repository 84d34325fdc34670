/**
 * Tells this process's readers that a write transaction ended (issue 13: the event stream), from
 * `store.transaction`. The signal runs on a later turn of the event loop; a reader woken for a
 * transaction that wrote no event, or rolled back, finds nothing new and waits for the next
 * signal or its own poll, which is also how it sees commits of other processes. Each listener
 * runs in the async context it was registered in, never in the transaction's: on PostgreSQL
 * that context would route its reads to the transaction's connection.
 */
import { AsyncResource } from 'node:async_hooks';

const listeners = new Set<() => void>();
let scheduled = false;

export function onCommitted(listener: () => void): () => void {
  const bound = AsyncResource.bind(listener);
  listeners.add(bound);
  return () => listeners.delete(bound);
}

export function signalCommitted(): void {
  if (scheduled || listeners.size === 0) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    for (const listener of listeners) listener();
  });
}
