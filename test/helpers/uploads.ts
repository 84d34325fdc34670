/**
 * Uploading through the real route: a multipart body built by hand (one file part), and the
 * small PDF-like file the scenario helpers upload before naming its hash in an event.
 */
import { createHash } from 'node:crypto';
import type { Harness, Reply } from './harness.js';

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

export async function upload(
  h: Harness,
  token: string,
  challengeId: string,
  content: Buffer,
  filename = 'file.pdf',
  contentType = 'application/pdf',
): Promise<Reply> {
  const { body, headers } = multipartBody(content, filename, contentType);
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/challenges/${challengeId}/attachments`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
}

/** Uploads a PDF labelled `label` and returns its SHA-256; throws unless accepted. */
export async function uploaded(h: Harness, token: string, challengeId: string, label: string): Promise<string> {
  const r = await upload(h, token, challengeId, pdfOf(label));
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.sha256 as string;
}
