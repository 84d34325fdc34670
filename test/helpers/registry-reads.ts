/**
 * The registry as the model-based test reads it while it plans (test/integration/model-paths.test.ts):
 * xstate/graph explores the chart synchronously, so the facts each event needs must be answered
 * at once, on either store. These statements answer from the reads already made; a read not made
 * yet stops the plan (`NotYetRead`), and `settled` makes it — awaited, as PostgreSQL needs —
 * and plans again, until the plan needs nothing unread. `forget` drops what was read, so the
 * next plan sees the registry as it stands then (participations change as routes run).
 */
import type { Store } from '../../src/engine/store.js';
import { factStatements } from '../../src/engine/write/facts.js';

type Fact = (typeof factStatements)[number];
type Mode = 'get' | 'all';

class NotYetRead extends Error {
  constructor(
    readonly key: string,
    readonly read: () => Promise<unknown>,
  ) {
    super(`not read yet: ${key}`);
  }
}

/** A statement's stand-in: `get` and `all` answer from `known`, or stop the plan. */
interface ReadAtOnce {
  get(params: Record<string, unknown>): unknown;
  all(params: Record<string, unknown>): unknown;
}

export interface RegistryReads {
  /** The store's fact statements, answering at once: pass it where the engine takes the store. */
  readonly store: Store;
  /** Runs `plan` until every read it needs has been made. */
  settled<T>(plan: () => T): Promise<T>;
  forget(): void;
  /** How many reads were made: for the test's printed figures. */
  readonly reads: number;
}

export function registryReads(store: Store): RegistryReads {
  const known = new Map<string, unknown>();
  let reads = 0;
  const statement = (fact: Fact): ReadAtOnce => {
    const answer = (mode: Mode, params: Record<string, unknown>) => {
      const key = `${fact}.${mode}(${JSON.stringify(params)})`;
      if (known.has(key)) return known.get(key);
      const real = store[fact] as unknown as Record<Mode, (p: Record<string, unknown>) => unknown>;
      throw new NotYetRead(key, async () => real[mode](params));
    };
    return { get: (params) => answer('get', params), all: (params) => answer('all', params) };
  };
  const atOnce = Object.assign(
    Object.create(store) as Store,
    Object.fromEntries(factStatements.map((fact) => [fact, statement(fact)])),
  );
  return {
    store: atOnce,
    async settled(plan) {
      for (;;) {
        try {
          return plan();
        } catch (err) {
          if (!(err instanceof NotYetRead)) throw err;
          known.set(err.key, await err.read());
          reads += 1;
        }
      }
    },
    forget: () => known.clear(),
    get reads() {
      return reads;
    },
  };
}
