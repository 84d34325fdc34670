/**
 * End to end on PostgreSQL (the `postgres` vitest project): real server processes sharing one
 * PostgreSQL database. An If-Match race through two processes gives one 200 and one 409, a
 * deadline both schedulers see fires once, and 20 SIGKILLs of a process under load lose no
 * acknowledged event, the log verifying afterwards; and the single-process suites of
 * server.test.ts and durability.test.ts — a challenge walked to its end, timers, restarts, the
 * outbox across a crash, the graceful shutdown — on PostgreSQL too.
 */
import { afterAll, describe } from 'vitest';
import { crashTests, shutdownTests } from './durability.suite.js';
import { lifecycleTests } from './lifecycle.suite.js';
import { multiProcessTests } from './multi-process.suite.js';
import { notifyTests } from './notify.suite.js';
import { restartTests } from './restart.suite.js';
import { disposeAllServers } from './server-process.js';
import { timerTests } from './timers.suite.js';

afterAll(disposeAllServers);

describe.concurrent('real server processes on one PostgreSQL database', () => {
  multiProcessTests();
  crashTests();
  shutdownTests();
  notifyTests();
  timerTests();
  restartTests();
  lifecycleTests();
});
