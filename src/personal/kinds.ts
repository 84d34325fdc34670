/** What personal data the service seals (issue 16), and how a value is normalised for look-up. */

export const personalKinds = ['personId', 'name', 'phone', 'email', 'contact'] as const;
export type PersonalKind = (typeof personalKinds)[number];

/** A reference to a sealed value: `p_` and 24 hex digits (96 random bits). */
export const REF_PATTERN = /p_[0-9a-f]{24}/g;
/** The same, not global (no lastIndex kept between calls): for a test whether a text holds one. */
export const REF_PATTERN_ONE = /p_[0-9a-f]{24}/;
export const isRef = (value: string) => /^p_[0-9a-f]{24}$/.test(value);

/** The form a value is looked up by: the same person typed twice finds one record. */
export function normalise(kind: PersonalKind, value: string): string {
  const v = value.trim().normalize('NFC');
  switch (kind) {
    case 'personId':
      return v.toUpperCase();
    case 'email':
      return v.toLowerCase();
    case 'phone':
      return v.replace(/[\s-]/g, '');
    default:
      return v;
  }
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * A resident identity card number (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
 * sequence, and an ISO 7064 MOD 11-2 check character. Only these are sealed as person ids: a
 * programme's own person ids (staff numbers, `expert-1`) are not personal data by themselves.
 */
export function isNationalIdNumber(value: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(value)) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(value.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK.charAt(sum % 11) === value.charAt(17).toUpperCase();
}

/** Completes 17 digits into a valid ID number (for fixtures). */
export function withIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (ID_WEIGHTS[i] ?? 0);
  return first17 + ID_CHECK.charAt(sum % 11);
}
