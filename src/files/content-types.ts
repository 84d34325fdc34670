/**
 * The declared type of an upload must match its first bytes, where the type has a signature:
 * a client cannot store an executable by calling it a PDF. Types without a known signature
 * (allowed by a programme's settings) are taken as declared.
 */
const signatures: Record<string, Buffer[]> = {
  'application/pdf': [Buffer.from('%PDF-')],
  'image/png': [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  'image/jpeg': [Buffer.from([0xff, 0xd8, 0xff])],
  // ZIP containers: zip itself, OFD (GB/T 33190) and Office Open XML documents.
  'application/zip': [Buffer.from('PK\x03\x04')],
  'application/ofd': [Buffer.from('PK\x03\x04')],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [Buffer.from('PK\x03\x04')],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [Buffer.from('PK\x03\x04')],
};

export function contentMatchesType(type: string, head: Buffer): boolean {
  const known = signatures[type];
  if (!known) return true;
  return known.some((sig) => head.length >= sig.length && head.subarray(0, sig.length).equals(sig));
}

/** A display name only: no directories, no control characters, bounded length. */
export function displayName(filename: string | undefined): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const clean = base.replace(/[\x00-\x1f\x7f]/g, '').trim();
  return clean.slice(0, 200) || 'upload';
}
