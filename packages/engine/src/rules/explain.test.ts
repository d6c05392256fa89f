// explain(): which leaves made a condition fail, with resolved values, for the decision funnel.
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.js';

const gt = (fact: string, value: unknown) => ({ fact, operator: 'greaterThan', value });
const eq = (fact: string, value: unknown) => ({ fact, operator: 'equal', value });

describe('explain', () => {
  it('returns nothing when the condition holds', () => {
    expect(compileRule({ all: [gt('arpu', 10)] }).explain({ arpu: 20 })).toEqual([]);
  });

  it('reports the first failing child of an all', () => {
    const rule = compileRule({ all: [gt('arpu', 10), eq('planType', 'postpaid'), eq('roamingNow', true)] });
    expect(rule.explain({ arpu: 20, planType: 'prepaid', roamingNow: false })).toEqual([
      { fact: 'planType', operator: 'equal', expected: 'postpaid', actual: 'prepaid', location: 'all[1]' },
    ]);
  });

  it('reports every child of a failed any', () => {
    const rule = compileRule({ any: [gt('arpu', 50), { all: [eq('segment', 'youth'), gt('tenureMonths', 3)] }] });
    expect(rule.explain({ arpu: 20, segment: 'youth', tenureMonths: 1 })).toEqual([
      { fact: 'arpu', operator: 'greaterThan', expected: 50, actual: 20, location: 'any[0]' },
      { fact: 'tenureMonths', operator: 'greaterThan', expected: 3, actual: 1, location: 'any[1].all[1]' },
    ]);
  });

  it('reports the leaf that passed inside a failed not, marked negated', () => {
    const rule = compileRule({ all: [{ not: { fact: 'tags', operator: 'contains', value: 'fraud' } }] });
    expect(rule.explain({ tags: ['fraud'] })).toEqual([
      {
        fact: 'tags',
        operator: 'contains',
        expected: 'fraud',
        actual: ['fraud'],
        location: 'all[0].not',
        negated: true,
      },
    ]);
  });

  it('under a not, a passing all reports every leaf and a passing any its first passing leaf', () => {
    const notAll = compileRule({ not: { all: [eq('a', 1), eq('b', 2)] } });
    expect(notAll.explain({ a: 1, b: 2 }).map((f) => [f.location, f.negated])).toEqual([
      ['not.all[0]', true],
      ['not.all[1]', true],
    ]);
    const notAny = compileRule({ not: { any: [eq('a', 0), eq('b', 2), eq('c', 3)] } });
    expect(notAny.explain({ a: 1, b: 2, c: 3 }).map((f) => f.location)).toEqual(['not.any[1]']);
  });

  it('two nots cancel: the failing leaf is reported plainly', () => {
    const rule = compileRule({ not: { not: eq('a', 1) } });
    expect(rule.explain({ a: 2 })).toEqual([
      { fact: 'a', operator: 'equal', expected: 1, actual: 2, location: 'not.not' },
    ]);
  });

  it('reports an empty group that passed under a not', () => {
    expect(compileRule({ not: { any: [] } }).explain({})).toEqual([
      { fact: '', operator: 'any', expected: undefined, actual: undefined, location: 'not', negated: true },
    ]);
  });

  it('names the named condition a failing leaf was written in, with its location there', () => {
    const conditions = {
      postpaid: { all: [eq('planType', 'postpaid')] },
      loyal: { all: [{ condition: 'postpaid' }, gt('tenureMonths', 24)] },
    };
    const rule = compileRule({ all: [gt('arpu', 10), { condition: 'loyal' }] }, { conditions });
    expect(rule.explain({ arpu: 20, planType: 'postpaid', tenureMonths: 12 })).toEqual([
      {
        fact: 'tenureMonths',
        operator: 'greaterThan',
        expected: 24,
        actual: 12,
        condition: 'loyal',
        location: 'all[1]',
      },
    ]);
    expect(rule.explain({ arpu: 20, planType: 'prepaid' })[0]).toMatchObject({
      condition: 'postpaid',
      location: 'all[0]',
    });
  });

  it('gives the values after paths and fact references', () => {
    const rule = compileRule({
      all: [{ fact: 'usage', path: '$.data[0].gb', operator: 'greaterThan', value: { fact: 'bundle', path: '$.gb' } }],
    });
    expect(rule.explain({ usage: { data: [{ gb: 3 }] }, bundle: { gb: 5 } })).toEqual([
      { fact: 'usage', path: '$.data[0].gb', operator: 'greaterThan', expected: 5, actual: 3, location: 'all[0]' },
    ]);
  });

  it('reports decorated operators as written and a root leaf at the root location', () => {
    const rule = compileRule({ fact: 'x', operator: 'everyFact:lessThan', value: 3 });
    expect(rule.explain({ x: [1, 5] })).toEqual([
      { fact: 'x', operator: 'everyFact:lessThan', expected: 3, actual: [1, 5], location: '' },
    ]);
  });
});
