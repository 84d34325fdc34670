/**
 * `jiebang verify` on two cores: the first pass (each challenge's chain and replay) is split by
 * challenge id, the upper half checked in a worker thread (verify-worker.ts) while the calling
 * thread checks the lower half. The halves are independent (no challenge's check reads another's),
 * and verify.ts combines them in id order, so the report — the count and the first divergence —
 * is the one a single thread gives.
 *
 * Only a SQLite file is split: the worker opens it read-only itself. The service runs its
 * TypeScript through tsx; a worker starts without the parent's loader, so the entry registers
 * tsx first when this module is TypeScript (a compiled build needs nothing).
 */
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Divergence } from './verify.js';

/** What one half of the first pass found. */
export interface HalfReport {
  checkedEvents: number;
  found: Divergence | null;
}

/** A message from the worker: events checked since the last one, or its answer. */
export type WorkerMessage = { progress: number } | { done: HalfReport };

export interface WorkerHalf {
  result: Promise<HalfReport>;
  /** Ends the worker early (the lower half already diverged). */
  stop(): Promise<void>;
}

function entryScript(): string {
  const ext = extname(new URL(import.meta.url).pathname);
  const entry = new URL(`./verify-worker${ext}`, import.meta.url).href;
  if (ext !== '.ts') return `import(${JSON.stringify(entry)})`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
}

/** Checks the challenges with `id >= from` of the SQLite file `file` in a worker thread. */
export function checkUpperHalf(file: string, from: string, onProgress: (events: number) => void): WorkerHalf {
  const worker = new Worker(entryScript(), { eval: true, workerData: { file, from } });
  const result = new Promise<HalfReport>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if ('progress' in message) onProgress(message.progress);
      else resolve(message.done);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the verify worker stopped (exit code ${code}) before answering`)));
  });
  return {
    result,
    stop: async () => {
      result.catch(() => undefined);
      await worker.terminate();
    },
  };
}
