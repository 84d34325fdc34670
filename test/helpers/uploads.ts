/**
 * Uploading through the real route: a multipart body built by hand (one file part), and the
 * small PDF-like file the lifecycle driver uploads before naming its hash in an event.
 */
import { createHash } from 'node:crypto';
import type { Reply } from './harness.js';
import type { Transport } from './transport.js';

/** A file whose first bytes are a PDF's, so it passes the type check; its content is `label`. */
export const pdfOf = (label: string) => Buffer.from(`%PDF-1.7\n${label}\n%%EOF\n`);
export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function multipartBody(
  content: Buffer,
  filename: string,
  contentType: string,
): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----jiebang${Math.random().toString(16).slice(2)}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export function upload(
  t: Transport,
  token: string,
  challengeId: string,
  content: Buffer,
  filename = 'file.pdf',
  contentType = 'application/pdf',
): Promise<Reply> {
  return t.upload(challengeId, token, { content, filename, contentType });
}
