/**
 * Passwords: argon2id (RFC 9106) from `@node-rs/argon2` (prebuilt binaries, no compiler), with
 * OWASP's minimum parameters for argon2id (19 MiB, 2 passes, 1 lane); and the rules a new
 * password must meet, each refusal in English and Chinese.
 */
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../base/errors.js';

/** `algorithm: 2` is the package's `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function passwordMatches(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the username is unknown, so a wrong name costs the same time as a wrong password. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => {
  decoy ??= hashPassword('decoy-password-never-matches-0');
  return decoy;
};

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/**
 * The password rules (GB/T 22239 level-3 practice): 10–128 characters, letters and digits both,
 * and not the username. Throws 400 naming the rule broken.
 */
export function checkPasswordRules(password: string, username: string, path = 'password'): void {
  const refuse = (message: string, zh: string) =>
    new AppError('VALIDATION_FAILED', message, zh, { issues: [{ path, message }] });
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX)
    throw refuse(
      `A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters; this one has ${length}.`,
      `密码长度应为 ${PASSWORD_MIN}–${PASSWORD_MAX} 位，当前为 ${length} 位。`,
    );
  if (!/\p{L}/u.test(password) || !/\p{N}/u.test(password))
    throw refuse('A password contains both letters and digits.', '密码须同时包含字母和数字。');
  if (password.toLowerCase().includes(username.toLowerCase()))
    throw refuse('A password must not contain the username.', '密码不得包含用户名。');
}
