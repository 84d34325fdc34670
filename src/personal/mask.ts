/**
 * Masked personal data (issue 16), for every reader the access policy does not let see it in
 * full: a name keeps its first character (张*), a phone its first three and last four digits
 * (138****5678), an ID number its six-digit region and last four (110101********1234), an
 * e-mail address its first character and domain (z***@example.cn). Masks keep the length where
 * a reader could count anyway, and never show more than those parts.
 */
import type { PersonalKind } from './kinds.js';

const stars = (n: number) => '*'.repeat(Math.max(n, 1));

export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${stars(chars.length - 1)}`;
}

export function maskPhone(phone: string): string {
  if (phone.length <= 7) return `${phone.slice(0, 1)}${stars(phone.length - 1)}`;
  return `${phone.slice(0, 3)}${stars(phone.length - 7)}${phone.slice(-4)}`;
}

export function maskIdNumber(id: string): string {
  if (id.length <= 10) return stars(id.length);
  return `${id.slice(0, 6)}${stars(id.length - 10)}${id.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskName(email);
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** A contact is a phone or an e-mail address, masked as what it is. */
export function maskContact(contact: string): string {
  if (contact.includes('@')) return maskEmail(contact);
  if (/^[+\d][\d\s-]{6,}$/.test(contact)) return maskPhone(contact.replace(/[\s-]/g, ''));
  return maskName(contact);
}

export function mask(kind: PersonalKind, value: string): string {
  switch (kind) {
    case 'name':
      return maskName(value);
    case 'phone':
      return maskPhone(value);
    case 'personId':
      return maskIdNumber(value);
    case 'email':
      return maskEmail(value);
    case 'contact':
      return maskContact(value);
  }
}
