// Compile errors: every malformed condition is refused at load time with a code and a location inside it.
import { describe, expect, it } from 'vitest';
import { checkCondition, compileCondition, compileRule, createRuleCompiler } from './compile.js';
import type { Operator } from './operator.js';
import { RuleCompileError, type RuleErrorCode, type RuleProblem, ruleErrors } from './rule-errors.js';

const ok = { fact: 'x', operator: 'equal', value: 1 };
const codes = (problems: readonly RuleProblem[]) => problems.map((p) => [p.code, p.location]);

function compileError(condition: unknown, conditions?: Record<string, unknown>): RuleCompileError {
  try {
    compileRule(condition, { conditions });
  } catch (error) {
    if (error instanceof RuleCompileError) return error;
    throw error;
  }
  throw new Error('expected a RuleCompileError');
}

describe('compile errors', () => {
  const single: [string, unknown, RuleErrorCode, string][] = [
    [
      'unknown operator',
      { all: [ok, ok, { any: [{ fact: 'x', operator: 'equals', value: 1 }] }] },
      'RULE_UNKNOWN_OPERATOR',
      'all[2].any[0].operator',
    ],
    [
      'unknown decorator',
      { all: [{ fact: 'x', operator: 'someThing:equal', value: 1 }] },
      'RULE_UNKNOWN_OPERATOR',
      'all[0].operator',
    ],
    [
      'decorator after the operator',
      { all: [{ fact: 'x', operator: 'equal:not', value: 1 }] },
      'RULE_UNKNOWN_OPERATOR',
      'all[0].operator',
    ],
    [
      'leading colon',
      { all: [{ fact: 'x', operator: ':equal', value: 1 }] },
      'RULE_UNKNOWN_OPERATOR',
      'all[0].operator',
    ],
    ['unknown named condition', { any: [ok, { condition: 'nope' }] }, 'RULE_UNKNOWN_CONDITION', 'any[1].condition'],
    ['recursive descent path', { all: [{ ...ok, path: '$..a' }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    ['wildcard path', { all: [{ ...ok, path: '$.a[*]' }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    ['path without $', { all: [{ ...ok, path: 'a.b' }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    ['bracketed name path', { all: [{ ...ok, path: "$['a']" }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    ['negative index path', { all: [{ ...ok, path: '$.a[-1]' }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    ['filter path', { all: [{ ...ok, path: '$.a[?(@.b)]' }] }, 'RULE_UNSUPPORTED_PATH', 'all[0].path'],
    [
      'path in a fact value',
      { all: [{ ...ok, value: { fact: 'y', path: '$.*' } }] },
      'RULE_UNSUPPORTED_PATH',
      'all[0].value.path',
    ],
    ['path not a string', { all: [{ ...ok, path: 3 }] }, 'RULE_INVALID_CONDITION', 'all[0].path'],
    ['leaf without fact', { all: [{ operator: 'equal', value: 1 }] }, 'RULE_INVALID_CONDITION', 'all[0]'],
    ['leaf without operator', { all: [{ fact: 'x', value: 1 }] }, 'RULE_INVALID_CONDITION', 'all[0]'],
    ['leaf without value', { all: [{ fact: 'x', operator: 'equal' }] }, 'RULE_INVALID_CONDITION', 'all[0]'],
    ['fact not a string', { all: [{ ...ok, fact: 3 }] }, 'RULE_INVALID_CONDITION', 'all[0].fact'],
    ['empty fact', { all: [{ ...ok, fact: '' }] }, 'RULE_INVALID_CONDITION', 'all[0].fact'],
    ['operator not a string', { all: [{ ...ok, operator: ['equal'] }] }, 'RULE_INVALID_CONDITION', 'all[0].operator'],
    ['both all and any', { not: { all: [], any: [] } }, 'RULE_INVALID_CONDITION', 'not'],
    ['all not an array', { all: ok }, 'RULE_INVALID_CONDITION', 'all'],
    ['not given an array', { not: [ok] }, 'RULE_INVALID_CONDITION', 'not'],
    ['group mixed with a leaf', { all: [], fact: 'x' }, 'RULE_INVALID_CONDITION', ''],
    ['reference mixed with a leaf', { all: [{ condition: 'a', fact: 'x' }] }, 'RULE_INVALID_CONDITION', 'all[0]'],
    ['empty object', { any: [{}] }, 'RULE_INVALID_CONDITION', 'any[0]'],
    ['null condition', { all: [null] }, 'RULE_INVALID_CONDITION', 'all[0]'],
    ['array condition', [ok], 'RULE_INVALID_CONDITION', ''],
    ['string condition', 'x > 1', 'RULE_INVALID_CONDITION', ''],
    ['unknown property (typo)', { all: [{ ...ok, opertor: 'equal' }] }, 'RULE_INVALID_CONDITION', 'all[0].opertor'],
    ['name not a string', { all: [ok], name: 5 }, 'RULE_INVALID_CONDITION', 'name'],
    ['priority zero', { all: [{ ...ok, priority: 0 }] }, 'RULE_INVALID_CONDITION', 'all[0].priority'],
    ['params not an object', { all: [{ ...ok, params: 'p' }] }, 'RULE_INVALID_CONDITION', 'all[0].params'],
    ['condition name not a string', { all: [{ condition: 1 }] }, 'RULE_INVALID_CONDITION', 'all[0].condition'],
    [
      'fact value with a non-string fact',
      { all: [{ ...ok, value: { fact: 1 } }] },
      'RULE_INVALID_CONDITION',
      'all[0].value.fact',
    ],
    [
      'fact value with an unknown key',
      { all: [{ ...ok, value: { fact: 'y', pth: '$.a' } }] },
      'RULE_INVALID_CONDITION',
      'all[0].value.pth',
    ],
    ['in with a number', { all: [{ fact: 'x', operator: 'in', value: 5 }] }, 'RULE_INVALID_VALUE', 'all[0].value'],
    ['notIn with null', { all: [{ fact: 'x', operator: 'notIn', value: null }] }, 'RULE_INVALID_VALUE', 'all[0].value'],
    [
      'someValue with a string',
      { all: [{ fact: 'x', operator: 'someValue:equal', value: 'ab' }] },
      'RULE_INVALID_VALUE',
      'all[0].value',
    ],
    [
      'someFact:in with an object',
      { all: [{ fact: 'x', operator: 'someFact:in', value: { a: 1 } }] },
      'RULE_INVALID_VALUE',
      'all[0].value',
    ],
    [
      'everyValue:in with a bad element',
      { all: [{ fact: 'x', operator: 'everyValue:in', value: [['a'], 5] }] },
      'RULE_INVALID_VALUE',
      'all[0].value',
    ],
  ];

  it.each(single)('%s', (_, condition, code, location) => {
    const error = compileError(condition);
    expect(error.code).toBe(code);
    expect(error.location).toBe(location);
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain(code);
    expect(ruleErrors[code]).toBeTypeOf('string');
  });

  it('accepts literals only a swapped operator could use', () => {
    expect(checkCondition({ all: [{ fact: 'x', operator: 'swap:in', value: 5 }] })).toEqual([]);
    expect(checkCondition({ all: [{ fact: 'x', operator: 'in', value: 'abc' }] })).toEqual([]);
    expect(checkCondition({ all: [{ fact: 'x', operator: 'in', value: { fact: 'list' } }] })).toEqual([]);
  });

  it('collects every problem of a condition, in document order', () => {
    const error = compileError({
      all: [
        { fact: 'x', operator: 'equals', value: 1, path: '$..a' },
        { any: [{ condition: 'missing' }, { fact: 'x', operator: 'in', value: 3 }] },
        { not: [] },
      ],
    });
    expect(codes(error.problems)).toEqual([
      ['RULE_UNKNOWN_OPERATOR', 'all[0].operator'],
      ['RULE_UNSUPPORTED_PATH', 'all[0].path'],
      ['RULE_UNKNOWN_CONDITION', 'all[1].any[0].condition'],
      ['RULE_INVALID_VALUE', 'all[1].any[1].value'],
      ['RULE_INVALID_CONDITION', 'all[2].not'],
    ]);
    expect(error.code).toBe('RULE_UNKNOWN_OPERATOR');
    expect(error.location).toBe('all[0].operator');
    expect(error.message).toMatch(/and 4 more problems/);
  });

  it('checkCondition returns the problems instead of throwing', () => {
    expect(checkCondition({ all: [ok] })).toEqual([]);
    expect(codes(checkCondition({ all: [{ ...ok, operator: 'nope' }] }))).toEqual([
      ['RULE_UNKNOWN_OPERATOR', 'all[0].operator'],
    ]);
  });

  it('reports a cycle of named conditions', () => {
    const named = { a: { any: [{ condition: 'b' }] }, b: { all: [ok, { condition: 'a' }] } };
    const error = compileError({ all: [{ condition: 'a' }] }, named);
    expect(error.problems).toEqual([
      expect.objectContaining({
        code: 'RULE_CIRCULAR_CONDITION',
        location: 'all[0].condition',
        condition: 'b',
        conditionLocation: 'all[1].condition',
      }),
    ]);
    expect(error.message).toContain("'a' -> 'b' -> 'a'");
  });

  it('reports a named condition that references itself', () => {
    const error = compileError({ condition: 'self' }, { self: { not: { condition: 'self' } } });
    expect(codes(error.problems)).toEqual([['RULE_CIRCULAR_CONDITION', 'condition']]);
  });

  it('points problems inside a named condition at the reference, naming the condition and where in it', () => {
    const named = {
      outer: { all: [{ condition: 'inner' }] },
      inner: { any: [ok, { fact: 'x', operator: 'nope', value: 1 }] },
    };
    const [problem] = compileError({ all: [ok, { condition: 'outer' }] }, named).problems;
    expect(problem).toEqual({
      code: 'RULE_UNKNOWN_OPERATOR',
      location: 'all[1].condition',
      condition: 'inner',
      conditionLocation: 'any[1].operator',
      message: "in named condition 'outer' -> 'inner' at any[1].operator: unknown operator 'nope'",
    });
  });

  it('does not report unused named conditions, and checks each used one once', () => {
    const named = { broken: { all: [{ fact: 'x', operator: 'nope', value: 1 }] }, fine: { all: [ok] } };
    const compiler = createRuleCompiler({ conditions: named });
    expect(compiler.check({ all: [{ condition: 'fine' }] })).toEqual([]);
    expect(compiler.check({ all: [{ condition: 'broken' }, { condition: 'broken' }] })).toHaveLength(2);
  });

  it('accepts a leaf at the root (json-rules-engine needs a group there; the meaning is the same)', () => {
    expect(compileCondition(ok)({ x: 1 })).toBe(true);
  });

  it('refuses malformed custom operators when the compiler is created', () => {
    const bad = [{ name: '', evaluate: () => true }, { name: 'x' }] as unknown as Operator[];
    expect(() => createRuleCompiler({ operators: bad })).toThrow(RuleCompileError);
    try {
      createRuleCompiler({ operators: bad });
    } catch (error) {
      expect((error as RuleCompileError).problems.map((p) => p.code)).toEqual([
        'RULE_INVALID_OPERATOR',
        'RULE_INVALID_OPERATOR',
      ]);
    }
  });

  it('keeps fact names and strings out of the generated code', () => {
    const fact = '"]; throw new Error("injected"); //';
    const sneaky = ['`', '$', '{process.exit(1)}', '`', '\u2028'].join('');
    const test = compileCondition({ all: [{ fact, operator: 'equal', value: sneaky, path: '$.a' }] });
    expect(test({ [fact]: { a: sneaky } })).toBe(true);
  });
});
