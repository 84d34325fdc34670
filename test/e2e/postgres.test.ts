/**
 * End to end on PostgreSQL (the `postgres` vitest project): real server processes sharing one
 * PostgreSQL database. An If-Match race through two processes gives one 200 and one 409, a
 * deadline both schedulers see fires once, and 20 SIGKILLs of a process under load lose no
 * acknowledged event, the log verifying afterwards; and the single-process suites of
 * server.test.ts — a challenge walked to its end, timers, restarts — on PostgreSQL too.
 * (Left on SQLite: the notification suite and the graceful shutdown read the SQLite file itself.)
 */
import { afterAll, describe } from 'vitest';
import { crashTests } from './durability.suite.js';
import { lifecycleTests } from './lifecycle.suite.js';
import { multiProcessTests } from './multi-process.suite.js';
import { restartTests } from './restart.suite.js';
import { disposeAllServers } from './server-process.js';
import { timerTests } from './timers.suite.js';

afterAll(disposeAllServers);

describe.concurrent('real server processes on one PostgreSQL database', () => {
  multiProcessTests();
  crashTests();
  timerTests();
  restartTests();
  lifecycleTests();
});
