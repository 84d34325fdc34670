/** The webhook signature of api.md: `sha256=` and the hex HMAC-SHA256 of the raw body with the secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureOf = (secret: string, rawBody: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

/** What a receiver does (docs/webhooks.md): compare in constant time. */
export function verifySignature(secret: string, rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signatureOf(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
