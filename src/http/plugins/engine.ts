/**
 * Opens the database (migrating it and seeding the guide's programme), and builds the engine's
 * dependencies and the timer scheduler. Everything else reaches them through `app.jiebang`.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import type { EngineDeps } from '../../engine/engine.js';
import { SnapshotCache } from '../../engine/snapshots.js';
import { createStore } from '../../engine/store.js';
import type { Clock } from '../../engine/time/clock.js';
import { Scheduler } from '../../engine/time/scheduler.js';
import { GroupCommit } from '../../engine/write/group-commit.js';
import { FileStore } from '../../files/file-store.js';

export interface EngineOptions {
  db: Db;
  clock: Clock;
  /** Start the scheduler when the app is ready (off in tests that drive timers by hand). */
  scheduler: boolean;
  /** Where uploaded files are stored, content-addressed. */
  filesDir: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    jiebang: { db: Db; deps: EngineDeps; scheduler: Scheduler; clock: Clock; files: FileStore };
  }
}

export default fp(
  async (app: FastifyInstance, opts: EngineOptions) => {
    const { db, clock } = opts;
    await migrateDatabase(db, clock.now().toISOString());
    const store = createStore(db);
    const cache = new SnapshotCache();
    const deps: EngineDeps = { store, cache, clock, commits: new GroupCommit(store, () => cache.clear()) };
    const scheduler = new Scheduler(deps, app.log.child({ component: 'scheduler' }));
    deps.onTimersChanged = () => void scheduler.arm();
    app.decorate('jiebang', { db, deps, scheduler, clock, files: new FileStore(opts.filesDir) });
    if (opts.scheduler) app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', async () => {
      scheduler.stop();
      await db.$port.close();
    });
  },
  { name: 'engine' },
);
