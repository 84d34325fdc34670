/**
 * Opens the database (migrating it and seeding the guide's programme), and builds the engine's
 * dependencies and the timer scheduler. Everything else reaches them through `app.jiebang`.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loadOrCreateKeyFile } from '../../crypto/key-file.js';
import { generateSm2PrivateKeyPem, type Sm2Signer, sm2SignerFromPem } from '../../crypto/sm2.js';
import type { Db, TransactionOptions } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { registerSigningKey, signUnsignedCheckpoints } from '../../engine/audit/checkpoint-signatures.js';
import type { HashAlgorithm } from '../../engine/canonical.js';
import type { EngineDeps } from '../../engine/engine.js';
import { rebuildPublicListingIfMissing } from '../../engine/public/listing.js';
import { SnapshotCache } from '../../engine/snapshots.js';
import { createStore } from '../../engine/store.js';
import type { Clock } from '../../engine/time/clock.js';
import { Scheduler } from '../../engine/time/scheduler.js';
import { sweepUnattachedUploads } from '../../engine/write/sweep-uploads.js';

const SWEEP_EVERY_MS = 3_600_000;

import { GroupCommit } from '../../engine/write/group-commit.js';
import { FileStore } from '../../files/file-store.js';

export interface EngineOptions {
  db: Db;
  clock: Clock;
  /** Start the scheduler when the app is ready (off in tests that drive timers by hand). */
  scheduler: boolean;
  /** Where uploaded files are stored, content-addressed. */
  filesDir: string;
  /** Issue 16: JIEBANG_HASH, the chains' hash for events from now on. */
  hashAlgorithm: HashAlgorithm;
  /** Issue 16: the SM2 key file (generated when absent); none: a key for this process only. */
  signingKeyPath: string | undefined;
  /** Batch the commits of concurrent events (default); false: one commit per request (bench). */
  groupCommit?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    jiebang: { db: Db; deps: EngineDeps; scheduler: Scheduler; clock: Clock; files: FileStore; signer: Sm2Signer };
  }
}

/** The service's SM2 key: read from its file, or generated into it on first start (logged). */
function loadSigner(path: string | undefined, app: FastifyInstance): Sm2Signer {
  if (path === undefined) return sm2SignerFromPem(generateSm2PrivateKeyPem());
  const file = loadOrCreateKeyFile(path, generateSm2PrivateKeyPem);
  const signer = sm2SignerFromPem(file.contents);
  if (file.created)
    app.log.info(
      { path, keyId: signer.keyId },
      'generated an SM2 checkpoint signing key (JIEBANG_SIGNING_KEY was absent)',
    );
  return signer;
}

export default fp(
  async (app: FastifyInstance, opts: EngineOptions) => {
    const { db, clock } = opts;
    await migrateDatabase(db, clock.now().toISOString());
    await rebuildPublicListingIfMissing(db, clock.now().toISOString());
    const signer = loadSigner(opts.signingKeyPath, app);
    const startedAt = clock.now().toISOString();
    await registerSigningKey(db.$port, signer, startedAt);
    // Checkpoints recorded before issue 16, or by a command without the key, are signed now.
    const signed = await signUnsignedCheckpoints(db.$port, signer, startedAt);
    if (signed > 0) app.log.info({ signed, keyId: signer.keyId }, 'signed the daily checkpoints that had no signature');
    const store = createStore(db, { hashAlgorithm: opts.hashAlgorithm, signer });
    const cache = new SnapshotCache();
    // Issue 14: each group commit is timed for `jiebang_commit_seconds` (src/http/metrics.ts).
    const commitSeconds = app.hasDecorator('metrics') ? app.metrics.commitSeconds : undefined;
    const timed = {
      transaction: async <T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> => {
        const end = commitSeconds?.startTimer();
        try {
          return await store.transaction(fn, options);
        } finally {
          end?.();
        }
      },
    };
    const deps: EngineDeps = {
      store,
      cache,
      clock,
      commits: new GroupCommit(timed, () => cache.clear(), opts.groupCommit === false ? 1 : undefined),
    };
    if (commitSeconds) deps.onTimerFired = (type, outcome) => app.metrics.transitions.inc({ type, outcome });
    const scheduler = new Scheduler(deps, app.log.child({ component: 'scheduler' }));
    deps.onTimersChanged = () => void scheduler.arm();
    const files = new FileStore(opts.filesDir);
    app.decorate('jiebang', { db, deps, scheduler, clock, files, signer });
    // Unnamed uploads past their grace period lose their bytes: at start, then hourly.
    const sweep = () => {
      sweepUnattachedUploads({ db, files }, clock.now()).then(
        ({ removed }) => {
          if (removed.length > 0) app.log.info({ removed: removed.length }, 'removed never-attached uploads');
        },
        (err: unknown) => app.log.error({ err }, 'upload sweep failed; retrying on the next round'),
      );
    };
    let sweeper: NodeJS.Timeout | undefined;
    if (opts.scheduler)
      app.addHook('onReady', async () => {
        await scheduler.start();
        sweep();
        sweeper = setInterval(sweep, SWEEP_EVERY_MS);
        sweeper.unref();
      });
    app.addHook('onClose', async () => {
      clearInterval(sweeper);
      scheduler.stop();
      await db.$port.close();
    });
  },
  { name: 'engine' },
);
