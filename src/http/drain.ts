/**
 * How long a stopping server keeps answering (src/server.ts): until no connection or request has
 * arrived for `quietMs`, and at most `maxMs` in all. A fixed wait ran out under load: a starved
 * event loop had not yet accepted every connection the kernel already held for it, and those were
 * reset when the server stopped listening. So each wait ends with one more turn of the loop past
 * its poll phase (where waiting connections are accepted, after the timers), and any arrival in
 * that time means another wait.
 */
export interface Arrivals {
  /** When the last connection or request arrived (performance.now()), 0 for none yet. */
  last(): number;
}

export async function drainUntilQuiet(arrivals: Arrivals, quietMs: number, maxMs: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    if (now - arrivals.last() >= quietMs || now - start >= maxMs) return;
  }
}

/** Notes arrivals: call `arrived` for each new connection and each request. */
export function arrivalClock(): Arrivals & { arrived(): void } {
  let last = 0;
  return {
    last: () => last,
    arrived: () => {
      last = performance.now();
    },
  };
}
