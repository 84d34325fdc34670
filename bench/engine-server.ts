/**
 * The service as `jiebang serve` starts it (src/server.ts), for the bench: BENCH_GROUP_COMMIT=0
 * turns group commit off, so the bench can set one commit per request beside it.
 */
import { loadConfig } from '../src/base/config.js';
import { startServer } from '../src/server.js';

await startServer(loadConfig(), { groupCommit: process.env.BENCH_GROUP_COMMIT !== '0' });
