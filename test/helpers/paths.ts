/**
 * The model behind the model-based tests (test/integration/model-paths.test.ts): a small
 * ActorLogic wrapping the pure challenge machine, explored by `xstate/graph` (getAdjacencyMap,
 * getShortestPaths); `coveringRoutes` turns the graph into routes that together take every
 * transition the model can reach.
 *
 * The model holds no copy of the machine. In each state it sends
 * - the events the chart's active states take (`handledEvents`, as `allowedEvents` reads them),
 * - each by the party its definition names (`senders`: the first role the access policy lets
 *   send it here — `mayRoleSend`: its kinds and tags —, acting in its scope: the issuing unit,
 *   the district, the bid's lead unit, the track's holder, a panel member),
 * - with the payloads test/helpers/model-examples.ts builds per event type for the context,
 * - and the deadline the scheduler fires next (`deadlinesOf`).
 * Refusals are built the same way from that file's `refusalExamples`.
 *
 * Time is part of the model: every staff event comes one minute after the previous one, and
 * a timer event comes exactly at its due time, only when it is the earliest deadline of the
 * state — as the server's scheduler fires them. So every route can also be run against the
 * real server with its test clock.
 */
import { initialTransition } from 'xstate';
import { type AdjacencyMap, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { deadlinesOf } from '../../machines/challenge/deadlines.js';
import type { Sender } from '../../machines/challenge/event.js';
import {
  type Actor,
  type ChallengeEvent,
  type EventFacts,
  type StaffEventType,
  type SystemEventType,
  staffDefinitionOf,
  staffEventTypes,
  systemEventTypes,
} from '../../machines/challenge/events.js';
import { type ChallengeSnapshot, challengeMachine } from '../../machines/challenge/machine.js';
import type { Scope, TokenRole } from '../../machines/challenge/parties.js';
import { completeDraft } from '../../machines/challenge/schemas.js';
import { agreedBids } from '../../machines/challenge/selectors.js';
import { statePath } from '../../machines/challenge/stage.js';
import type { ChallengeContext, CreateInput } from '../../machines/challenge/types.js';
import { type ProgrammeSettings, programmeSettingsSchema, wlmq2026 } from '../../machines/programme.js';
import { mayRoleSend } from '../../src/access/policy.js';
import { type MachineTransition, machineTransitions, pathOf } from '../../src/chart/machine-graph.js';
import { pureTransition } from '../../src/engine/pure-transition.js';
import { handledEvents } from '../../src/engine/read/view.js';
import { horseRace, techDraft, transferDraft, UNITS } from './fixtures.js';
import { type Builder, branchOf, examples, plusDays, REVISED, refusalExamples } from './model-examples.js';

/** The harness's start: inside the submission window of wlmq-2026. */
export const T0 = new Date('2026-05-06T10:00:00+08:00').toISOString();
const MINUTE = 60_000;

/** A technology breakthrough, the same as a horse race, an achievement transfer. */
export type Variant = 'plain' | 'race' | 'transfer';
export const variants: readonly Variant[] = ['plain', 'race', 'transfer'];

/**
 * The model's cast, one party per token the HTTP run holds (experts by person: `expert:e1`).
 * The issuer of an achievement transfer is the unit holding the achievement.
 */
const cast = {
  issuer: { id: 'model-issuer', role: 'issuer', unit: UNITS.issuer },
  holder: { id: 'model-holder', role: 'issuer', unit: UNITS.transferHolder },
  district: { id: 'model-district', role: 'district', unit: UNITS.district },
  bureau: { id: 'model-bureau', role: 'bureau' },
  solverA: { id: 'model-solverA', role: 'solver', unit: UNITS.solverA },
  solverB: { id: 'model-solverB', role: 'solver', unit: UNITS.solverB },
  solverC: { id: 'model-solverC', role: 'solver', unit: UNITS.solverC },
  finance: { id: 'model-finance', role: 'finance' },
  system: { id: 'system', role: 'system' },
} as const satisfies Record<string, Actor>;
export type Party = keyof typeof cast | `expert:${string}`;

const actorOf = (party: Party): Actor =>
  party.startsWith('expert:')
    ? { id: `model-${party}`, role: 'expert', person: party.slice('expert:'.length) }
    : cast[party as keyof typeof cast];

/** The party of `role`, of `unit` when its scope names one (else the first of that role). */
function partyOf(role: TokenRole, unit: string | undefined): Party {
  const parties = Object.entries(cast) as [keyof typeof cast, Actor][];
  const found = parties.find(([, a]) => a.role === role && (unit === undefined || a.unit === unit));
  if (!found) throw new Error(`the model's cast has no ${role} of unit ${unit}`);
  return found[0];
}

/** One concrete event and who sends it. `label` names the fixture, the same in every state. */
export interface Fixture {
  label: string;
  party: Party;
  event: ChallengeEvent;
}

/** An event that must be refused with `clause`, leaving the challenge as it was. */
export interface Refusal extends Fixture {
  clause: string;
}

export interface ModelState {
  variant: Variant | null;
  snapshot: ChallengeSnapshot | null;
  /** When the last event happened. */
  now: string;
}

export interface ModelEvent {
  type: string;
  variant?: Variant;
  fixture?: Fixture;
}

type Payload = { type: StaffEventType } & Record<string, unknown>;

/** Registry facts for an event, as the engine gathers them before the transition. */
export type FactsFor = (ctx: ChallengeContext, body: Payload) => EventFacts | undefined;

/**
 * The model's programme: wlmq-2026's rules, except that §4's per-unit and per-person counts
 * (L-2a, L-2b) are raised, because the model walks about a hundred routes with one cast of
 * parties, whose applications would otherwise count against each other. Those limits are proven
 * in rules-parties-*.test.ts and rules-portfolio.test.ts; every other rule applies as in 2026.
 */
export const MODEL_PROGRAMME = 'model-2026';
export const settings: ProgrammeSettings = programmeSettingsSchema.parse({
  ...wlmq2026,
  name: '模型测试批次（与2026年度规则相同，申报数量限制放宽）',
  restrictions: { ...wlmq2026.restrictions, maxOngoingPerUnit: 1_000_000, maxPerPerson: 1_000_000 },
});

export const drafts: Record<Variant, Record<string, unknown>> = {
  plain: techDraft({ programmeId: MODEL_PROGRAMME }),
  race: techDraft({ horseRace, programmeId: MODEL_PROGRAMME }),
  transfer: transferDraft({ programmeId: MODEL_PROGRAMME }),
};

/** Who creates a variant's challenge: the issuer of its draft's issuing unit. */
export const creatorOf = (variant: Variant): Party => partyOf('issuer', String(drafts[variant].issuerUnit));

/** The pure machine's first snapshot for a variant, as `POST /challenges` builds it. */
export function createdSnapshot(variant: Variant): ChallengeSnapshot {
  const { programmeId, ...fields } = drafts[variant] as { programmeId: string } & Record<string, unknown>;
  const input: CreateInput = {
    id: `model-${variant}`,
    programmeId,
    settings,
    draft: completeDraft(fields as never),
    at: T0,
    actor: actorOf(creatorOf(variant)),
  };
  return initialTransition(challengeMachine, input)[0];
}

/** The deadline the scheduler fires next in this state, if any. */
export function nextDeadline(snapshot: ChallengeSnapshot): { type: SystemEventType; dueAt: string } | undefined {
  return [...deadlinesOf(snapshot.value, snapshot.context)].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

export function timerFixture(type: SystemEventType, dueAt: string): Fixture {
  return {
    label: type,
    party: 'system',
    event: { type, timer: { timerId: 0, dueAt, lateMs: 0 }, at: dueAt, actor: actorOf('system') } as ChallengeEvent,
  };
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the chart says which events, the definitions say who sends them.

/** The unit a sender acting in `scope` must belong to; undefined when any party of its role will do. */
function unitInScope(scope: Scope, ctx: ChallengeContext, body: Payload): string | undefined {
  switch (scope) {
    case 'issuerUnit':
      return ctx.draft.issuerUnit;
    case 'districtUnit':
      return ctx.draft.districtUnit;
    // A bid or track the event names that does not exist is left to the rules (P-1, P-2).
    case 'bidLead':
      return (
        body.type === 'BID' ? (body.members as string[]) : ctx.bids.find((b) => b.bidId === body.bidId)?.members
      )?.[0];
    case 'trackHolder':
      return ctx.tracks.find((t) => t.trackId === body.trackId)?.solverUnit;
    case 'any':
    case 'panel':
      return undefined;
  }
}

/**
 * Who sends an event: the first role of its definition's `senders` the access policy lets send
 * it here (the challenge's kind, the state's tags), as the model's party in that role's scope. On the
 * panel, the first member yet to score the bid (the model scores in panel order).
 */
function senderOf(snapshot: ChallengeSnapshot, body: Payload): Party {
  const ctx = snapshot.context;
  const senders = Object.entries(staffDefinitionOf(body.type).senders) as [TokenRole, Scope | Sender][];
  for (const [role, entry] of senders) {
    const sender: Sender = typeof entry === 'string' ? { scope: entry } : entry;
    if (!mayRoleSend(role, body.type, snapshot)) continue;
    if (sender.scope !== 'panel') return partyOf(role, unitInScope(sender.scope, ctx, body));
    const scored = (expert: string) => ctx.scores.some((s) => s.expert === expert && s.bidId === body.bidId);
    const person = ctx.panel.find((expert) => !scored(expert)) ?? ctx.panel[0];
    if (person === undefined) throw new Error(`${body.type}: no panel to send it`);
    return `expert:${person}`;
  }
  throw new Error(`${body.type}: no sender of its definition may send it in ${statePath(snapshot.value)}`);
}

/**
 * The bodies `builder` gives for each event type the state takes (in the guide's order), as
 * fixtures sent one minute after the last event. None once the challenge is over, or when the
 * next deadline falls first: the scheduler has fired it by then.
 */
function fixturesFrom<R>(
  state: ModelState,
  factsFor: FactsFor,
  builder: (type: StaffEventType, ctx: ChallengeContext, at: string) => [label: string, body: object, extra: R][],
): (Fixture & { extra: R })[] {
  const { snapshot } = state;
  if (snapshot === null || snapshot.status !== 'active') return [];
  const at = new Date(Date.parse(state.now) + MINUTE).toISOString();
  const deadline = nextDeadline(snapshot);
  if (deadline && at >= deadline.dueAt) return [];
  const handled = handledEvents(snapshot);
  return staffEventTypes
    .filter((type) => handled.has(type))
    .flatMap((type) =>
      builder(type, snapshot.context, at).map(([label, fields, extra]) => {
        const body: Payload = { type, ...fields };
        const party = senderOf(snapshot, body);
        const facts = factsFor(snapshot.context, body);
        const event = { ...body, at, actor: actorOf(party), ...(facts && { facts }) } as ChallengeEvent;
        return { label, party, event, extra };
      }),
    );
}

/** The events that should be accepted now: the next deadline, and one fixture per branch worth taking. */
export function validFixtures(state: ModelState, factsFor: FactsFor): Fixture[] {
  const deadline = state.snapshot?.status === 'active' ? nextDeadline(state.snapshot) : undefined;
  const staff = fixturesFrom(state, factsFor, (type, ctx, at) =>
    // Each builder and label function is of its own type; the casts only forget which.
    (examples[type] as Builder<object[]>)(ctx, at).map((body) => {
      const branch = branchOf[type] as ((body: object) => string) | undefined;
      return [branch ? `${type} ${branch(body)}` : type, body, null];
    }),
  );
  return [...(deadline ? [timerFixture(deadline.type, deadline.dueAt)] : []), ...staff.map(({ extra: _, ...f }) => f)];
}

/** Events that break one rule in this state; each must be refused with its clause. */
export function refusals(state: ModelState, factsFor: FactsFor): Refusal[] {
  type Named = Record<string, [clause: string, body: object] | undefined>;
  const refused = fixturesFrom(state, factsFor, (type, ctx, at): [string, object, string][] =>
    Object.entries((refusalExamples[type] as Builder<Named> | undefined)?.(ctx, at) ?? {}).flatMap(([name, example]) =>
      example ? [[`${type} ${name}`, example[1], example[0]]] : [],
    ),
  );
  return refused.map(({ extra, ...f }) => ({ ...f, clause: extra }));
}

// ---------------------------------------------------------------------------------------------
// The model for xstate/graph, and the routes through it.

/** Applies a model event: the pure machine's transition, at the event's time. */
export function step(state: ModelState, event: ModelEvent): ModelState {
  if (event.variant) return { variant: event.variant, snapshot: createdSnapshot(event.variant), now: T0 };
  if (!state.snapshot || !event.fixture) throw new Error(`no fixture for ${event.type}`);
  const next = pureTransition(state.snapshot, event.fixture.event);
  if (next === state.snapshot) return state;
  return { variant: state.variant, snapshot: next, now: event.fixture.event.at };
}

/**
 * What tells two model states apart: the state value and the facts of the context that the
 * examples of this stage and later ones read. Earlier history (how many attachments, a withdrawn
 * bid) is left out once it can no longer matter, so the graph stays small. Time is left out too:
 * routes are re-run from their start, so their times are recomputed.
 */
export function serializeModelState(state: ModelState): string {
  const s = state.snapshot;
  if (!s) return 'start';
  const c = s.context;
  const stage = statePath(s.value).split('.')[0];
  const agreed = agreedBids(c).length;
  const tracks = c.tracks.map((t) => [
    t.status,
    t.contract !== null,
    t.paidCny,
    t.disbursedCny,
    t.midterm,
    t.progress.length,
  ]);
  const facts: Record<string, unknown> = {
    collection: [c.draft.title.endsWith(REVISED), c.attachments.length],
    review: [],
    publication: [c.demandApprovedAt !== null],
    matching: [
      c.bids.map((x) => [x.withdrawn, x.agreedFundingCny !== null]),
      c.biddingClosesAt !== null && c.publishedAt !== null && c.biddingClosesAt > plusDays(c.publishedAt, 30),
    ],
    expertReview: [agreed, c.panel.length, c.scores.length, c.objections.length],
    announcement: [agreed, c.objections.map((o) => o.status), c.noticeEnded],
    disbursement: [tracks],
    management: [tracks, c.extensionUsed, c.changes.length],
    evaluation: [c.tracks.map((t) => t.status), c.rectifyUsed, c.overdue],
  };
  return JSON.stringify([state.variant, s.value, facts[stage ?? ''] ?? null]);
}

/** The model as ActorLogic for xstate/graph. */
function modelLogic() {
  return {
    transition: (state: ModelState, event: ModelEvent) => step(state, event),
    getInitialSnapshot: (): ModelState => ({ variant: null, snapshot: null, now: T0 }),
    getPersistedSnapshot: (state: ModelState) => state,
    restoreSnapshot: (state: ModelState) => state,
    start: () => undefined,
  };
}

/** Which transition of the machine an accepted event takes: the one XState selects, found in the list. */
export function takenTransition(
  snapshot: ChallengeSnapshot,
  event: ChallengeEvent,
  transitions: MachineTransition[],
): MachineTransition | undefined {
  const [taken] = challengeMachine.getTransitionData(snapshot, event);
  if (!taken) return undefined;
  const source = pathOf(taken.source);
  const branch = taken.source.transitions.get(event.type)?.indexOf(taken);
  return transitions.find((t) => t.source === source && t.event === event.type && t.branch === branch);
}

export interface RouteStep {
  fixture: Fixture | null;
  /** null for the CREATE step. */
  transition: MachineTransition | null;
  /** State value after the step. */
  value: unknown;
  /** State before the step (for refusals checked there). */
  before: ModelState;
  after: ModelState;
}

export interface Route {
  variant: Variant;
  /** Fixture labels after CREATE, as found by the graph. */
  labels: string[];
  steps: RouteStep[];
  /** True when the route sends a timer out of due order: the pure machine only. */
  pureOnly: boolean;
}

/**
 * Runs a route from scratch through the pure machine, rebuilding each fixture from the state it
 * is sent in (same label). Throws when a fixture is missing or refused: the route is not valid.
 */
export function runRoute(
  variant: Variant,
  labels: string[],
  factsFor: FactsFor,
  transitions: MachineTransition[],
  extra?: (state: ModelState) => Fixture | undefined,
): Route {
  let state = step({ variant: null, snapshot: null, now: T0 }, { type: `CREATE ${variant}`, variant });
  const steps: RouteStep[] = [
    { fixture: null, transition: null, value: state.snapshot?.value, before: state, after: state },
  ];
  const all = extra ? [...labels, '(out of order)'] : labels;
  all.forEach((label, i) => {
    const fixture =
      extra && i === labels.length ? extra(state) : validFixtures(state, factsFor).find((f) => f.label === label);
    if (!fixture || !state.snapshot)
      throw new Error(`route ${variant} ${labels.join(' > ')}: no ${label} at step ${i}`);
    const transition = takenTransition(state.snapshot, fixture.event, transitions);
    const after = step(state, { type: label, fixture });
    if (after === state || !transition || !after.snapshot)
      throw new Error(`route ${variant} ${labels.join(' > ')}: ${label} refused at step ${i}`);
    // The transition counted must be the one XState took: its target, or the same state.
    const from = statePath(state.snapshot.value);
    const to = statePath(after.snapshot.value);
    const landed =
      transition.targets.length === 0
        ? to === from
        : transition.targets.some((t) => to === t || to.startsWith(`${t}.`));
    if (!landed) throw new Error(`${label} at step ${i}: counted ${transition.id}, but XState went ${from} → ${to}`);
    steps.push({ fixture, transition, value: after.snapshot?.value, before: state, after });
    state = after;
  });
  return { variant, labels, steps, pureOnly: extra !== undefined };
}

/**
 * Explores the model with xstate/graph and returns routes that together take every transition
 * the model reaches, longest first, skipping routes that add nothing. Transitions reachable only
 * by firing a timer that is not the state's earliest deadline (which the server never does) are
 * added as `pureOnly` routes.
 */
export function coveringRoutes(factsFor: FactsFor): { routes: Route[]; states: number; edges: number } {
  const transitions = machineTransitions();
  const options = {
    events: (state: ModelState): ModelEvent[] =>
      state.snapshot === null
        ? variants.map((variant) => ({ type: `CREATE ${variant}`, variant }))
        : validFixtures(state, factsFor).map((fixture) => ({ type: fixture.label, fixture })),
    serializeState: serializeModelState,
    serializeEvent: (event: ModelEvent) => event.type,
  };
  const logic = modelLogic() as unknown as Parameters<typeof getShortestPaths>[0];
  const adjacency = getAdjacencyMap(logic, options) as unknown as AdjacencyMap<ModelState, ModelEvent>;
  const shortest = getShortestPaths(logic, options) as unknown as {
    state: ModelState;
    steps: { event: ModelEvent; state: ModelState }[];
  }[];
  const labelsTo = new Map<string, { variant: Variant; labels: string[] }>();
  for (const p of shortest) {
    const events = p.steps.map((s) => s.event).filter((e) => e.type !== 'xstate.init');
    const variant = events[0]?.variant;
    if (variant) labelsTo.set(serializeModelState(p.state), { variant, labels: events.slice(1).map((e) => e.type) });
  }

  // For each transition, the edge taking it whose source has the shortest route: then the
  // routes, longest first, each kept only if it takes a transition no kept route takes.
  const best = new Map<string, { variant: Variant; labels: string[] }>();
  // Examples are written per event type, apart from the rules: one the rules refuse is stale.
  const refused: string[] = [];
  let edges = 0;
  for (const [key, { state, transitions: out }] of Object.entries(adjacency)) {
    const to = labelsTo.get(key);
    if (!to || !state.snapshot) continue;
    for (const [label, { event }] of Object.entries(out) as [string, { event: ModelEvent }][]) {
      edges++;
      if (!event.fixture) continue;
      const taken = takenTransition(state.snapshot, event.fixture.event, transitions);
      if (!taken) {
        refused.push(`${to.variant} ${statePath(state.snapshot.value)} ${label}`);
        continue;
      }
      // Per variant: every kind of challenge takes every transition it can reach.
      const id = `${to.variant} ${taken.id}`;
      const known = best.get(id);
      if (!known || known.labels.length > to.labels.length + 1)
        best.set(id, { variant: to.variant, labels: [...to.labels, label] });
    }
  }
  if (refused.length > 0) throw new Error(`examples the machine refuses:\n  ${refused.join('\n  ')}`);
  const candidates = [...best.values()].sort((a, b) => b.labels.length - a.labels.length);
  const coveredIn = new Set<string>();
  const routes: Route[] = [];
  for (const c of candidates) {
    const route = runRoute(c.variant, c.labels, factsFor, transitions);
    const ids = route.steps.flatMap((s) => (s.transition ? [`${c.variant} ${s.transition.id}`] : []));
    if (ids.every((id) => coveredIn.has(id))) continue;
    for (const id of ids) coveredIn.add(id);
    routes.push(route);
  }
  const covered = new Set(routes.flatMap((r) => r.steps.flatMap((s) => (s.transition ? [s.transition.id] : []))));

  // Timers out of due order, for the pure machine only.
  for (const t of transitions) {
    if (covered.has(t.id) || !(systemEventTypes as readonly string[]).includes(t.event)) continue;
    for (const [key, { state }] of Object.entries(adjacency)) {
      const to = labelsTo.get(key);
      if (!to || !state.snapshot) continue;
      const due = deadlinesOf(state.snapshot.value, state.snapshot.context).find((d) => d.type === t.event);
      if (!due) continue;
      const fixture = timerFixture(due.type, due.dueAt);
      if (takenTransition(state.snapshot, fixture.event, transitions)?.id !== t.id) continue;
      routes.push(runRoute(to.variant, to.labels, factsFor, transitions, () => fixture));
      covered.add(t.id);
      break;
    }
  }
  return { routes, states: Object.keys(adjacency).length, edges };
}

/** A transition in one line, for messages. */
export const describeTransition = (t: MachineTransition) =>
  `${t.source} --${t.event}[${t.guards.join(' && ')}]--> ${t.targets.join(', ') || '(stays)'}`;
