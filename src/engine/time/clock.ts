/**
 * The server's clock: the only place the service reads the time. The test clock (api.md,
 * JIEBANG_TEST_CLOCK=1) runs with real time plus an offset that only ever grows, so end-to-end
 * tests can skip weeks of a notice period the way a time-skipping test server does.
 */
export interface Clock {
  now(): Date;
  /** Present on the test clock only. */
  readonly adjustable: boolean;
  /** Moves the clock forward to `target` (never back); returns the new time. */
  advanceTo(target: Date): Date;
}

export function systemClock(): Clock {
  return {
    now: () => new Date(),
    adjustable: false,
    advanceTo: () => {
      throw new Error('the system clock cannot be moved');
    },
  };
}

export function testClock(): Clock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    adjustable: true,
    advanceTo(target) {
      const ahead = target.getTime() - Date.now();
      if (ahead > offsetMs) offsetMs = ahead;
      return new Date(Date.now() + offsetMs);
    },
  };
}

/**
 * A clock that stands still until moved (in-process tests): boundary tests can put an event at
 * exactly a window's end. Like the test clock it only moves forward.
 */
export function manualClock(start: Date): Clock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    adjustable: true,
    advanceTo(target) {
      now = Math.max(now, target.getTime());
      return new Date(now);
    },
  };
}

/**
 * An event's time: the clock's, but never before the challenge's previous event, so a history
 * reads in time order even if the system clock is stepped back (NTP). Both are UTC ISO strings
 * from toISOString(), which order as text.
 */
export function eventTime(now: Date, previousEventAt: string): string {
  const iso = now.toISOString();
  return iso < previousEventAt ? previousEventAt : iso;
}
