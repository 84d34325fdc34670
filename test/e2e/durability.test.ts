/** Crash safety and graceful shutdown on a real server process and a real SQLite file (durability.suite.ts). */
import { afterAll, describe } from 'vitest';
import { crashTests, shutdownTests } from './durability.suite.js';
import { disposeAllServers } from './server-process.js';

afterAll(disposeAllServers);

describe.concurrent('durability of a real server process', () => {
  crashTests();
  shutdownTests();
});
