/**
 * End-to-end tests: the real service (`node --import tsx src/cli.ts serve`) as a child process
 * on a real SQLite file, driven over HTTP with fetch. Every test starts its own server on its
 * own file and kills it when it finishes, so the tests run concurrently: most of their time is
 * server start-up and real-time waiting, which overlaps.
 */
import { afterAll, describe } from 'vitest';
import { lifecycleTests } from './lifecycle.suite.js';
import { multiProcessTests } from './multi-process.suite.js';
import { notifyTests } from './notify.suite.js';
import { restartTests } from './restart.suite.js';
import { disposeAllServers } from './server-process.js';
import { timerTests } from './timers.suite.js';

afterAll(disposeAllServers);

describe.concurrent('a real server process on a real database file', () => {
  timerTests();
  restartTests();
  lifecycleTests();
  multiProcessTests();
  notifyTests();
});
