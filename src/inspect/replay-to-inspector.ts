/**
 * Replays one challenge's stored history into an XState inspector, step by step: the actor
 * (with the machine's definition, so the inspector draws the statechart), then for every stored
 * event, in seq order, the event and the snapshot after it, `paceMs` apart. The snapshots come
 * from the same pure fold as `verify` (engine/replay.ts), so what a developer watches is what
 * an auditor checks. Everything passes through the inspector's sanitizers first.
 */
import type { AnyEventObject } from 'xstate';
import type { ChallengeSnapshot } from '../../machines/challenge/challenge.machine.js';
import { machineDefinition } from '../engine/definition.js';
import { eventOfRow, replayEvents } from '../engine/replay.js';
import type { EventRow } from '../engine/store.js';

/** The part of `@statelyai/inspect`'s Inspector a replay uses. */
export interface ReplayInspector {
  actor(actor: unknown, snapshot?: { status?: string; value?: unknown; context?: unknown }): void;
  event(actor: string, event: AnyEventObject): void;
  snapshot(
    actor: string,
    snapshot: { status?: string; value?: unknown; context?: unknown },
    info?: { event?: AnyEventObject },
  ): void;
}

export interface ReplayToInspectorOptions {
  rows: EventRow[];
  inspector: ReplayInspector;
  paceMs: number;
  sleep?: (ms: number) => Promise<void>;
  onStep?: (seq: number, type: string) => void;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const inspected = (snapshot: ChallengeSnapshot) => ({
  status: snapshot.status,
  value: snapshot.value,
  context: snapshot.context,
});

/** Sends the history; resolves with the number of events sent. */
export async function replayToInspector(options: ReplayToInspectorOptions): Promise<number> {
  const { rows, inspector, paceMs, sleep = wait } = options;
  const first = rows[0];
  if (!first) return 0;
  // Fold first (pure, synchronous): a history that does not replay is reported before anything is sent.
  const steps: { row: EventRow; snapshot: ChallengeSnapshot }[] = [];
  replayEvents(rows, ({ seq, snapshot }) => steps.push({ row: rows[seq - 1] as EventRow, snapshot }));
  const sessionId = `challenge:${first.challengeId}`;
  // The inspector reads the definition from `actorRef.logic.config`.
  const actorRef = { sessionId, id: sessionId, logic: { config: machineDefinition() } };
  let sent = 0;
  for (const { row, snapshot } of steps) {
    const event: AnyEventObject =
      row.type === 'CREATE'
        ? {
            type: 'CREATE',
            ...(JSON.parse(row.payload) as object),
            at: row.at,
            actor: JSON.parse(row.actor) as unknown,
          }
        : (eventOfRow(row) as AnyEventObject);
    if (row.type === 'CREATE') inspector.actor(actorRef, inspected(snapshot));
    inspector.event(sessionId, { ...event, seq: row.seq });
    inspector.snapshot(sessionId, inspected(snapshot), { event });
    sent++;
    options.onStep?.(row.seq, row.type);
    if (sent < steps.length && paceMs > 0) await sleep(paceMs);
  }
  return sent;
}
