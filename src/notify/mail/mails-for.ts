/**
 * Which mails an accepted event causes, to whom, in Chinese (subject and body from templates.ts).
 * Pure: it reads only the event and the states either side of it. Recipients are matched by
 * their role and the unit or person they stand for (docs/decisions.md, issue 14: until accounts
 * exist, the `mail_recipients` table holds the addresses).
 */
import type { Committed } from '../enqueue.js';
import { type MailKind, render } from './templates.js';

export interface MailRecipient {
  unit: string | null;
  person: string | null;
  role: string;
}

export interface MailToSend {
  kind: MailKind;
  subject: string;
  text: string;
  /** Whether a recipient is concerned. */
  to: (r: MailRecipient) => boolean;
}

const unitRole = (role: string, units: readonly string[]) => (r: MailRecipient) =>
  r.role === role && r.unit !== null && units.includes(r.unit);

/**
 * Mails follow what an event changed, not its name: a new bid, a selection, a larger panel, a
 * notice opened or ended, a contract or payment recorded, a final report in. So an event added
 * later that does one of these mails the same people (and event names stay in their stage file).
 */
export function mailsFor(committed: Committed): MailToSend[] {
  const { previous, next } = committed;
  const ctx = next.context;
  const before = previous?.context;
  const vars = { challengeId: ctx.id, title: ctx.draft.title };
  const mail = (kind: MailKind, to: MailToSend['to'], extra: Record<string, string> = {}): MailToSend => ({
    kind,
    to,
    ...render(kind, { ...vars, ...extra }),
  });
  const issuer = unitRole('issuer', [ctx.draft.issuerUnit]);
  const mails: MailToSend[] = [];
  if (!before) return mails;

  const known = new Set(before.bids.map((b) => b.bidId));
  for (const bid of ctx.bids.filter((b) => !known.has(b.bidId)))
    mails.push(mail('bidReceived', issuer, { bidId: bid.bidId }));

  if (before.selectedAt === null && ctx.selectedAt !== null) {
    const selected = new Set(ctx.tracks.map((t) => t.solverUnit));
    const leads = ctx.bids.filter((b) => !b.withdrawn).map((b) => b.members[0] ?? '');
    const chosen = leads.filter((u) => selected.has(u));
    const refused = leads.filter((u) => !selected.has(u));
    if (chosen.length > 0) mails.push(mail('selected', unitRole('solver', chosen)));
    if (refused.length > 0) mails.push(mail('notSelected', unitRole('solver', refused)));
  }

  const panel = new Set(before.panel);
  const added = ctx.panel.filter((person) => !panel.has(person));
  if (added.length > 0)
    mails.push(mail('panelAssigned', (r) => r.role === 'expert' && r.person !== null && added.includes(r.person)));

  const parties = [ctx.draft.issuerUnit, ...ctx.tracks.map((t) => t.solverUnit)];
  const partyOf = (r: MailRecipient) =>
    r.unit !== null && parties.includes(r.unit) && (r.role === 'issuer' || r.role === 'solver');
  if (before.noticeEndsAt === null && ctx.noticeEndsAt !== null)
    mails.push(mail('noticeOpened', partyOf, { endsAt: ctx.noticeEndsAt }));
  if (!before.noticeEnded && ctx.noticeEnded)
    mails.push(mail('noticeEnded', partyOf, { endsAt: ctx.noticeEndsAt ?? '' }));

  const trackBefore = new Map(before.tracks.map((t) => [t.trackId, t]));
  const moneyMoved = ctx.tracks.some((t) => {
    const old = trackBefore.get(t.trackId);
    return old !== undefined && ((old.contract === null && t.contract !== null) || old.paidCny !== t.paidCny);
  });
  // A registered contract or a recorded payment may make a fiscal tranche payable (H-4).
  if (moneyMoved) mails.push(mail('tranchePayable', (r) => r.role === 'finance'));

  const reported = ctx.tracks.some(
    (t) => t.finalReportSha256 !== null && trackBefore.get(t.trackId)?.finalReportSha256 === null,
  );
  if (reported) mails.push(mail('acceptanceDue', issuer));
  return mails;
}
