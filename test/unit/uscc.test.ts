import { describe, expect, it } from 'vitest';
import { checkCharacter, usccProblem, withCheckCharacter } from '../../src/registry/uscc.js';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published example codes', () => {
    // Codes as printed on business licences (check characters computed by the standard).
    for (const code of ['91350100M000100Y43', '91110000802100433B', '91310000775785552L'])
      expect(usccProblem(code)).toBeNull();
  });

  it('computes the check character over the first 17 characters', () => {
    expect(checkCharacter('91350100M000100Y4')).toBe('3');
    expect(withCheckCharacter('91110000802100433')).toBe('91110000802100433B');
  });

  it('names the wrong check character', () => {
    const problem = usccProblem('91350100M000100Y44');
    expect(problem?.message).toContain('Character 18');
    expect(problem?.message).toContain('"3"');
    expect(problem?.message_zh).toContain('第18位');
  });

  it('names a forbidden character and its position', () => {
    expect(usccProblem('91350100M00010OY43')?.message).toContain('Character 15 ("O")');
    expect(usccProblem('9135010OM000100Y43')?.message).toContain('Character 8');
  });

  it('refuses a code of the wrong length', () => {
    expect(usccProblem('91350100M000100Y4')?.message).toContain('17');
    expect(usccProblem('91350100M000100Y433')?.message).toContain('19');
  });
});
