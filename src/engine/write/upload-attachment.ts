/**
 * Uploads a file to a challenge (POST /challenges/:id/attachments): checks who may, the
 * programme's size limit and allowed types, stores the bytes content-addressed and records
 * which hash was uploaded to which challenge. ATTACH, RECORD_PAYMENT and SUBMIT_FINAL_REPORT
 * then name the hash, and rule P-7 refuses one that was not uploaded here.
 */
import { rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { stageHasTag, stageOf } from '../../../machines/challenge/stage.js';
import type { ChallengeContext } from '../../../machines/challenge/types.js';
import { defaultUploadQuota, defaultUploads } from '../../../machines/programme.js';
import { rolePolicies, scopePolicies, visibility } from '../../access/policy.js';
import type { Caller } from '../../base/caller.js';
import { AppError, forbidden, notFound } from '../../base/errors.js';
import type { Db } from '../../db/client.js';
import { attachments } from '../../db/schema.js';
import { contentMatchesType, displayName } from '../../files/content-types.js';
import { type FileStore, FileTooLarge, UploadBroken } from '../../files/file-store.js';
import type { EngineDeps } from '../engine.js';
import { loadChallenge } from '../load-challenge.js';

export interface UploadInput {
  challengeId: string;
  caller: Caller;
  /** The multipart file part; undefined when the request carried none. */
  file: { stream: Readable; filename: string; mimetype: string } | undefined;
  at: string;
}

export interface UploadResult {
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
}

/** A multipart body that cannot be read at all (cut short, no boundary): the client's error. */
export const malformedUpload = (err: unknown): never => {
  const message = err instanceof Error ? err.message : String(err);
  throw new AppError(
    'VALIDATION_FAILED',
    `The multipart body is malformed: ${message}.`,
    `上传请求格式不正确：${message}。`,
    {
      issues: [{ path: 'body', message }],
    },
  );
};

/** What a challenge holds already: its distinct uploads and their bytes. */
async function heldBy(db: Db, challengeId: string): Promise<{ files: number; bytes: number }> {
  const row = await db
    .select({ files: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${attachments.size}), 0)` })
    .from(attachments)
    .where(and(eq(attachments.challengeId, challengeId), isNull(attachments.removedAt)))
    .get();
  // PostgreSQL answers count and sum as bigint and numeric (text): both read as numbers.
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
}

const alreadyHeld = async (db: Db, challengeId: string, sha256: string) =>
  (await db
    .select({ sha256: attachments.sha256 })
    .from(attachments)
    .where(and(eq(attachments.challengeId, challengeId), eq(attachments.sha256, sha256), isNull(attachments.removedAt)))
    .get()) !== undefined;

const heldAnywhere = async (db: Db, sha256: string) =>
  (await db
    .select({ sha256: attachments.sha256 })
    .from(attachments)
    .where(and(eq(attachments.sha256, sha256), isNull(attachments.removedAt)))
    .get()) !== undefined;

const quotaFull = (what: string, whatZh: string) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    `This challenge's upload quota is used up: ${what}.`,
    `本榜单的上传配额已用尽：${whatZh}。`,
  );

const invalid = (message: string, messageZh: string) =>
  new AppError('VALIDATION_FAILED', message, messageZh, { issues: [{ path: 'file', message }] });

export async function uploadAttachment(
  deps: Pick<EngineDeps, 'store' | 'cache'> & { db: Db; files: FileStore },
  input: UploadInput,
): Promise<UploadResult> {
  const { caller, file } = input;
  try {
    const loaded = await loadChallenge(deps, input.challengeId);
    if (!loaded) throw notFound('challenge', input.challengeId, '榜单');
    const ctx = loaded.snapshot.context;
    if (visibility(caller, ctx, stageOf(loaded.snapshot.value)) === 'none')
      throw notFound('challenge', input.challengeId, '榜单');
    const scope = rolePolicies[caller.role].uploads;
    if (scope === undefined || !scopePolicies[scope].reachable(caller, ctx))
      throw forbidden(
        'Files are uploaded to a challenge by its issuing unit, or by a solver unit holding one of its tracks.',
        '只有本榜单的发榜单位或承担其攻关任务的揭榜单位可以上传文件。',
        scope ? { scope } : {},
      );
    return await storeUpload(deps, ctx, input.challengeId, file, {
      tokenId: caller.tokenId,
      role: caller.role,
      unit: caller.unit ?? null,
      at: input.at,
    });
  } finally {
    // A refused upload's bytes are read and dropped, so the client gets its answer.
    if (file && !file.stream.readableEnded) file.stream.resume();
  }
}

/** Who uploaded a file, as the attachments table records it. */
interface Uploader {
  tokenId: string;
  role: string;
  unit: string | null;
  at: string;
}

/** The programme's type and size limits, the bytes stored content-addressed, the upload recorded. */
async function storeUpload(
  deps: { db: Db; files: FileStore },
  ctx: ChallengeContext,
  challengeId: string,
  file: UploadInput['file'],
  who: Uploader,
): Promise<UploadResult> {
  if (!file) throw invalid('Send one file as multipart/form-data.', '请以 multipart/form-data 上传一个文件。');
  const limits = ctx.settings.uploads ?? defaultUploads;
  const maxFiles = limits.maxFilesPerChallenge ?? defaultUploadQuota.maxFilesPerChallenge;
  const maxTotal = limits.maxBytesPerChallenge ?? defaultUploadQuota.maxBytesPerChallenge;
  const held = await heldBy(deps.db, challengeId);
  if (held.files >= maxFiles)
    throw quotaFull(
      `it holds ${held.files} files, at most ${maxFiles}`,
      `已有 ${held.files} 个文件，至多 ${maxFiles} 个`,
    );
  const room = maxTotal - held.bytes;
  const contentType = file.mimetype.toLowerCase();
  if (!limits.allowedTypes.includes(contentType))
    throw invalid(
      `Files of type ${contentType} are not accepted; allowed: ${limits.allowedTypes.join(', ')}.`,
      `不接受 ${contentType} 类型的文件；允许：${limits.allowedTypes.join('、')}。`,
    );
  let stored: Awaited<ReturnType<FileStore['put']>>;
  try {
    stored = await deps.files.put(file.stream, Math.min(limits.maxBytes, Math.max(room, 0)), (head) =>
      contentMatchesType(contentType, head),
    );
  } catch (err) {
    const tooLarge = err instanceof FileTooLarge || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
    if (tooLarge && room < limits.maxBytes)
      throw quotaFull(
        `${held.bytes} of its ${maxTotal} bytes are used, this file needs more than the ${room} left`,
        `已用 ${held.bytes} / ${maxTotal} 字节，本文件超过剩余的 ${room} 字节`,
      );
    if (tooLarge)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `A file may have at most ${limits.maxBytes} bytes.`,
        `文件大小不得超过 ${limits.maxBytes} 字节。`,
      );
    if (err instanceof UploadBroken)
      throw invalid(`The upload broke off or is malformed: ${err.message}.`, `上传中断或格式不正确：${err.message}。`);
    throw err;
  }
  if (!stored) throw invalid(`The file's content is not ${contentType}.`, `文件内容与声明的类型 ${contentType} 不符。`);
  const filename = displayName(file.filename);
  // Checked again where the row is written (in one write transaction, so no other upload
  // interleaves): uploads that streamed side by side cannot together pass the quota.
  await deps.db.$port.withTransaction(async () => {
    if (!(await alreadyHeld(deps.db, challengeId, stored.sha256))) {
      const now = await heldBy(deps.db, challengeId);
      if (now.files >= maxFiles || now.bytes + stored.size > maxTotal) {
        // Bytes no challenge holds would never be swept (the sweep reads the upload rows).
        if (!(await heldAnywhere(deps.db, stored.sha256))) rmSync(deps.files.pathOf(stored.sha256), { force: true });
        throw quotaFull(`${now.files} files, ${now.bytes} bytes held`, `已有 ${now.files} 个文件、${now.bytes} 字节`);
      }
    }
    await deps.db
      .insert(attachments)
      .values({
        challengeId: challengeId,
        sha256: stored.sha256,
        size: stored.size,
        filename,
        contentType,
        tokenId: who.tokenId,
        role: who.role,
        unit: who.unit,
        uploadedAt: who.at,
      })
      // The same bytes again: a held file keeps its row as it was; a removed one is held again
      // from now (its grace period starts anew).
      .onConflictDoUpdate({
        target: [attachments.challengeId, attachments.sha256],
        set: {
          uploadedAt: sql`CASE WHEN ${attachments.removedAt} IS NULL THEN ${attachments.uploadedAt} ELSE excluded.uploaded_at END`,
          removedAt: null,
        },
      })
      .run();
  });
  return { sha256: stored.sha256, size: stored.size, filename, contentType };
}

/**
 * Evidence for an objection from the public (issue 12): anyone may upload one file to a
 * challenge while its notice takes objections; the objection then names its hash (P-7).
 */
export async function uploadPublicEvidence(
  deps: Pick<EngineDeps, 'store' | 'cache'> & { db: Db; files: FileStore },
  input: Omit<UploadInput, 'caller'>,
): Promise<UploadResult> {
  const { file } = input;
  try {
    const loaded = await loadChallenge(deps, input.challengeId);
    if (!loaded || !stageHasTag(stageOf(loaded.snapshot.value), 'published'))
      throw notFound('challenge', input.challengeId, '榜单');
    if (!loaded.snapshot.hasTag('noticeOpen'))
      throw new AppError(
        'EVENT_NOT_ALLOWED',
        'Evidence is taken only while the notice takes objections.',
        '仅在公示期内受理异议证明材料。',
        { clause: 'X-2' },
      );
    return await storeUpload(deps, loaded.snapshot.context, input.challengeId, file, {
      tokenId: 'public',
      role: 'public',
      unit: null,
      at: input.at,
    });
  } finally {
    if (file && !file.stream.readableEnded) file.stream.resume();
  }
}
