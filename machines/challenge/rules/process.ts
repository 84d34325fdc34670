/**
 * The process rules of api.md's event table (P-n, listed in docs/rules.md): what an event names
 * exists and is live, and a file it names was uploaded to the challenge. Shared by many events.
 */
import { finding, rule, when } from '../rule.js';
import { liveBid, trackOf } from '../selectors.js';
import type { WithFacts } from './registry-facts.js';

const absent = (what: string, id: string, whatZh: string) =>
  finding(`No ${what} "${id}" is open on this challenge.`, `本榜单没有处于有效状态的${whatZh}“${id}”。`);

/** P-1: the bid an event names exists and was not withdrawn. */
export const P1_liveBid = rule('P-1', (ctx, e: { bidId: string }) =>
  when(!liveBid(ctx, e.bidId), () => absent('bid', e.bidId, '揭榜申请')),
);

/** P-1: the track an event names exists. */
export const P1_trackExists = rule('P-1', (ctx, e: { trackId: string }) =>
  when(!trackOf(ctx, e.trackId), () => absent('track', e.trackId, '攻关项目')),
);

/** P-1: the objection an event resolves exists and is still open. */
export const P1_openObjection = rule('P-1', (ctx, e: { objectionId: string }) =>
  when(!ctx.objections.some((o) => o.objectionId === e.objectionId && o.status === 'open'), () =>
    absent('open objection', e.objectionId, '待处理异议'),
  ),
);

/**
 * P-7: every file an event names by its SHA-256 was uploaded to this challenge. The engine looks
 * the uploads up before the transition (`facts.uploads`); events recorded before uploads existed
 * carry no such fact and replay as they were decided.
 */
export const P7_filesUploaded = rule('P-7', (_ctx, e: WithFacts) =>
  Object.entries(e.facts?.uploads ?? {})
    .filter(([, uploaded]) => !uploaded)
    .map(([sha256]) =>
      finding(
        `No file with SHA-256 ${sha256} was uploaded to this challenge; upload it first (POST …/attachments).`,
        `本榜单未上传 SHA-256 为 ${sha256} 的文件，请先上传（POST …/attachments）。`,
      ),
    ),
);
