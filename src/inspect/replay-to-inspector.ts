/**
 * Replays one challenge's stored history into an XState inspector, step by step: the actor
 * (with the machine's definition, so the inspector draws the statechart), then for every stored
 * event, in seq order, the event and the snapshot after it, `paceMs` apart. The snapshots come
 * from the same pure fold as `verify` (engine/replay.ts), so what a developer watches is what
 * an auditor checks. Everything passes through the inspector's sanitizers first.
 */
import type { AnyEventObject } from 'xstate';
import type { ChallengeSnapshot } from '../../machines/challenge/machine.js';
import { machineDefinition } from '../chart/definition.js';
import { eventOfRow, replayEvents } from '../engine/audit/replay.js';
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

/** What the inspector is given of a snapshot. */
export const inspectedSnapshot = (snapshot: ChallengeSnapshot) => ({
  status: snapshot.status,
  value: snapshot.value,
  context: snapshot.context,
});

/** The inspector's actor for a challenge; it reads the definition from `actorRef.logic.config`. */
export function challengeActorRef(challengeId: string) {
  const sessionId = `challenge:${challengeId}`;
  return { sessionId, id: sessionId, logic: { config: machineDefinition() } };
}

/** A stored event as the inspector shows it (CREATE carries the creation input), with its seq. */
export function inspectedEvent(row: EventRow): AnyEventObject {
  const event: AnyEventObject =
    row.type === 'CREATE'
      ? { type: 'CREATE', ...(JSON.parse(row.payload) as object), at: row.at, actor: JSON.parse(row.actor) as unknown }
      : (eventOfRow(row) as AnyEventObject);
  return { ...event, seq: row.seq };
}

/** Sends the history; resolves with the number of events sent. */
export async function replayToInspector(options: ReplayToInspectorOptions): Promise<number> {
  const { rows, inspector, paceMs, sleep = wait } = options;
  const first = rows[0];
  if (!first) return 0;
  // Fold first (pure, synchronous): a history that does not replay is reported before anything is sent.
  const steps: { row: EventRow; snapshot: ChallengeSnapshot }[] = [];
  replayEvents(rows, ({ seq, snapshot }) => steps.push({ row: rows[seq - 1] as EventRow, snapshot }));
  const actorRef = challengeActorRef(first.challengeId);
  let sent = 0;
  for (const { row, snapshot } of steps) {
    const event = inspectedEvent(row);
    if (row.type === 'CREATE') inspector.actor(actorRef, inspectedSnapshot(snapshot));
    inspector.event(actorRef.sessionId, event);
    inspector.snapshot(actorRef.sessionId, inspectedSnapshot(snapshot), { event });
    sent++;
    options.onStep?.(row.seq, row.type);
    if (sent < steps.length && paceMs > 0) await sleep(paceMs);
  }
  return sent;
}
