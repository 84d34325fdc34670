/**
 * Uploads a file to a challenge (POST /challenges/:id/attachments): checks who may, the
 * programme's size limit and allowed types, stores the bytes content-addressed and records
 * which hash was uploaded to which challenge. ATTACH, RECORD_PAYMENT and SUBMIT_FINAL_REPORT
 * then name the hash, and rule P-7 refuses one that was not uploaded here.
 */
import type { Readable } from 'node:stream';
import { stageOf } from '../../../machines/challenge/stage.js';
import { defaultUploads } from '../../../machines/programme.js';
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
    if (!file) throw invalid('Send one file as multipart/form-data.', '请以 multipart/form-data 上传一个文件。');
    const limits = ctx.settings.uploads ?? defaultUploads;
    const contentType = file.mimetype.toLowerCase();
    if (!limits.allowedTypes.includes(contentType))
      throw invalid(
        `Files of type ${contentType} are not accepted; allowed: ${limits.allowedTypes.join(', ')}.`,
        `不接受 ${contentType} 类型的文件；允许：${limits.allowedTypes.join('、')}。`,
      );
    let stored: Awaited<ReturnType<FileStore['put']>>;
    try {
      stored = await deps.files.put(file.stream, limits.maxBytes, (head) => contentMatchesType(contentType, head));
    } catch (err) {
      if (err instanceof FileTooLarge || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `A file may have at most ${limits.maxBytes} bytes.`,
          `文件大小不得超过 ${limits.maxBytes} 字节。`,
        );
      if (err instanceof UploadBroken)
        throw invalid(
          `The upload broke off or is malformed: ${err.message}.`,
          `上传中断或格式不正确：${err.message}。`,
        );
      throw err;
    }
    if (!stored)
      throw invalid(`The file's content is not ${contentType}.`, `文件内容与声明的类型 ${contentType} 不符。`);
    const filename = displayName(file.filename);
    await deps.db
      .insert(attachments)
      .values({
        challengeId: input.challengeId,
        sha256: stored.sha256,
        size: stored.size,
        filename,
        contentType,
        tokenId: caller.tokenId,
        role: caller.role,
        unit: caller.unit ?? null,
        uploadedAt: input.at,
      })
      .onConflictDoNothing()
      .run();
    return { sha256: stored.sha256, size: stored.size, filename, contentType };
  } finally {
    // A refused upload's bytes are read and dropped, so the client gets its answer.
    if (file && !file.stream.readableEnded) file.stream.resume();
  }
}
