/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
 * 31-character alphabet (no I, O, S, V, Z), the last a check character over the first 17.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** Completes 17 characters into a valid code (for fixtures and tools). */
export const withCheckCharacter = (first17: string): string => first17 + checkCharacter(first17);

/** Why a code is invalid, naming the position and character at fault; null when valid. */
export function usccProblem(code: string): { message: string; message_zh: string } | null {
  if (code.length !== 18)
    return {
      message: `A unified social credit code has 18 characters; "${code}" has ${code.length}.`,
      message_zh: `统一社会信用代码应为18位，“${code}”为${code.length}位。`,
    };
  for (let i = 0; i < 18; i++) {
    const c = code.charAt(i);
    if (!ALPHABET.includes(c))
      return {
        message: `Character ${i + 1} ("${c}") is not allowed in a unified social credit code (digits and capital letters except I, O, S, V, Z).`,
        message_zh: `第${i + 1}位字符“${c}”不是统一社会信用代码允许的字符（数字及除 I、O、S、V、Z 外的大写字母）。`,
      };
  }
  const expected = checkCharacter(code.slice(0, 17));
  if (code.charAt(17) !== expected)
    return {
      message: `Character 18, the check character, is "${code.charAt(17)}" but the first 17 characters give "${expected}".`,
      message_zh: `第18位校验码为“${code.charAt(17)}”，按前17位计算应为“${expected}”。`,
    };
  return null;
}
