// Runs every spec case through the compiler and through json-rules-engine: both must give the expected answer.
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.js';
import { specCases } from './spec-cases.js';
import { oracle } from './testing/jre-oracle.js';

describe('spec cases', () => {
  it.each(specCases)('$name', async ({ condition, facts, expected, named }) => {
    const rule = compileRule(condition, { conditions: named });
    expect(rule.test(facts), 'compiled').toBe(expected);
    expect(rule.explain(facts).length === 0, 'explain agrees with test').toBe(expected);
    expect(await oracle(condition, facts, named), 'json-rules-engine').toBe(expected);
  });
});
