/** The worker thread of verify-workers.ts: the first pass over the challenges with `id >= from`. */
import { parentPort, workerData } from 'node:worker_threads';
import { machineRegistry } from '../../../machines/challenge/versions.js';
import { openSqliteReadOnly } from '../../db/sqlite/open.js';
import { loadHashSchedule } from '../hash-schedule.js';
import { checkChallenges } from './verify.js';
import type { WorkerMessage } from './verify-workers.js';

const { file, from } = workerData as { file: string; from: string };
const port = parentPort;
if (!port) throw new Error('verify-worker.ts runs only as a worker thread');
const send = (message: WorkerMessage) => port.postMessage(message);

const db = openSqliteReadOnly(file);
try {
  // Progress in slices: a message per event would cost more than the check.
  let unsent = 0;
  const done = await checkChallenges(db.$port, machineRegistry, await loadHashSchedule(db.$port), { from }, () => {
    unsent += 1;
    if (unsent === 500) {
      send({ progress: unsent });
      unsent = 0;
    }
  });
  if (unsent > 0) send({ progress: unsent });
  send({ done });
} finally {
  await db.$port.close();
}
