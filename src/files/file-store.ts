/**
 * Uploaded files, content-addressed: a file is stored once under `<dir>/<aa>/<sha256>`, where the
 * name is its own SHA-256 — never a path a client supplied. Bytes are streamed to a temporary
 * file while hashed and counted, synced to disk, then renamed into place (atomic on one file
 * system), so a crash leaves at worst an orphan temporary file, never a partial stored one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../base/errors.js';

export interface StoredFile {
  sha256: string;
  size: number;
  /** The first bytes, for checking the content against its declared type. */
  head: Buffer;
}

export class FileTooLarge extends Error {}
/** The upload itself broke off or was malformed (the client's fault, not the disk's). */
export class UploadBroken extends Error {}

const HEAD_BYTES = 16;

export class FileStore {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'tmp'), { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256');
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /**
   * Streams `source` into the store. Throws FileTooLarge past `maxBytes`; `accept(head)` may
   * refuse the content by returning false (the temporary file is removed, nothing is stored).
   */
  async put(source: Readable, maxBytes: number, accept: (head: Buffer) => boolean): Promise<StoredFile | null> {
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLarge(`more than ${maxBytes} bytes`));
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const tmp = join(this.dir, 'tmp', randomUUID());
    let sourceError: Error | undefined;
    source.once('error', (err: Error) => {
      sourceError = err;
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
      if (!accept(head)) {
        await unlink(tmp);
        return null;
      }
      const handle = await open(tmp, 'r');
      await handle.sync();
      await handle.close();
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      if (existsSync(target)) await unlink(tmp);
      else {
        mkdirSync(dirname(target), { recursive: true });
        await rename(tmp, target);
      }
      return { sha256, size, head };
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if (err instanceof FileTooLarge) throw err;
      if (sourceError && (sourceError as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new FileTooLarge();
      // The service's own reason for cutting the stream (the request deadline) is said as it is.
      if (sourceError instanceof AppError) throw sourceError;
      if (sourceError) throw new UploadBroken(sourceError.message);
      throw err;
    }
  }
}
