// Operators as data: custom operators and decorators, registration, and values json-rules-engine would throw on.
import { Engine, Operator as JreOperator } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { compileCondition, compileRule, createRuleCompiler } from './compile.js';
import { defaultOperatorDecorators } from './default-decorators.js';
import { defaultOperators } from './default-operators.js';
import { createDefaultRegistry } from './default-registry.js';
import type { Operator, OperatorDecorator } from './operator.js';

const startsWith: Operator = {
  name: 'startsWith',
  evaluate: (a, b) => (a as string).startsWith(b as string),
  factValueValidator: (a) => typeof a === 'string',
};

describe('operators', () => {
  it('registers the built-ins through the same registry functions as custom operators', () => {
    const registry = createDefaultRegistry();
    for (const op of defaultOperators) expect(registry.operators.get(op.name)).toBe(op);
    for (const d of defaultOperatorDecorators) expect(registry.decorators.get(d.name)).toBe(d);
    expect([...registry.operators.keys()]).toHaveLength(10);
  });

  it('uses a custom operator, alone and under built-in decorators, like json-rules-engine', async () => {
    const conditions = [
      { all: [{ fact: 'msisdn', operator: 'startsWith', value: '+316' }] },
      { all: [{ fact: 'msisdn', operator: 'startsWith', value: '+44' }] },
      { all: [{ fact: 'numbers', operator: 'someFact:startsWith', value: '+44' }] },
      { all: [{ fact: 'numbers', operator: 'everyFact:not:startsWith', value: '+32' }] },
      {
        all: [
          { fact: 'msisdn', operator: 'startsWith', value: '+' },
          { fact: 'n', operator: 'startsWith', value: '1' },
        ],
      },
    ];
    const facts = { msisdn: '+31612345678', numbers: ['+31611111111', '+44700000000'], n: 12 };
    const engine = new Engine([], { allowUndefinedFacts: true });
    engine.addOperator(new JreOperator(startsWith.name, startsWith.evaluate, startsWith.factValueValidator));
    for (const [i, c] of conditions.entries()) engine.addRule({ conditions: c, event: { type: String(i) } });
    const { events } = await engine.run(facts);
    const theirs = conditions.map((_, i) => events.some((e) => e.type === String(i)));
    const ours = conditions.map((c) => compileCondition(c, { operators: [startsWith] })(facts));
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([true, false, true, true, false]);
  });

  it('lets a custom operator replace a built-in of the same name', () => {
    const looseEqual: Operator = { name: 'equal', evaluate: (a, b) => String(a) === String(b) };
    expect(
      compileCondition({ all: [{ fact: 'x', operator: 'equal', value: 1 }] }, { operators: [looseEqual] })({ x: '1' }),
    ).toBe(true);
    expect(compileCondition({ all: [{ fact: 'x', operator: 'equal', value: 1 }] })({ x: '1' })).toBe(false);
  });

  it('counts only true as a pass, whatever a custom operator returns', () => {
    const truthy = { name: 'truthy', evaluate: (a: unknown) => a as boolean };
    const test = compileCondition({ any: [{ fact: 'x', operator: 'truthy', value: null }] }, { operators: [truthy] });
    expect([test({ x: true }), test({ x: 1 }), test({ x: 'yes' })]).toEqual([true, false, false]);
  });

  it('registers custom decorators', () => {
    const twice: OperatorDecorator = { name: 'twice', evaluate: (a, b, next) => next(a, b) && next(a, b) };
    const test = compileCondition(
      { all: [{ fact: 'x', operator: 'twice:not:equal', value: 1 }] },
      { decorators: [twice] },
    );
    expect([test({ x: 1 }), test({ x: 2 })]).toEqual([false, true]);
  });

  it("checks literals against a custom operator's compareValueValidator at compile time", () => {
    const between: Operator = {
      name: 'between',
      evaluate: (a, b) => (a as number) >= (b as number[])[0]! && (a as number) <= (b as number[])[1]!,
      compareValueValidator: (b) => Array.isArray(b) && b.length === 2,
    };
    const compiler = createRuleCompiler({ operators: [between] });
    expect(compiler.check({ all: [{ fact: 'x', operator: 'between', value: [1] }] }).map((p) => p.code)).toEqual([
      'RULE_INVALID_VALUE',
    ]);
    const test = compiler.compileCondition({ all: [{ fact: 'x', operator: 'between', value: { fact: 'range' } }] });
    expect([test({ x: 2, range: [1, 3] }), test({ x: 2, range: 'x' })]).toEqual([true, false]);
  });
});

describe('values json-rules-engine throws on make the leaf false', () => {
  const cases: [string, unknown, Record<string, unknown>, boolean][] = [
    ['in, list fact missing', { fact: 'x', operator: 'in', value: { fact: 'list' } }, { x: 1 }, false],
    ['notIn, list fact missing', { fact: 'x', operator: 'notIn', value: { fact: 'list' } }, { x: 1 }, false],
    [
      'notIn, list fact is a number',
      { fact: 'x', operator: 'notIn', value: { fact: 'list' } },
      { x: 1, list: 5 },
      false,
    ],
    ['not:in, list fact missing', { fact: 'x', operator: 'not:in', value: { fact: 'list' } }, { x: 1 }, true],
    ['not over in, list fact missing', { not: { fact: 'x', operator: 'in', value: { fact: 'list' } } }, { x: 1 }, true],
    [
      'someValue, values fact is a string',
      { fact: 'x', operator: 'someValue:equal', value: { fact: 'v' } },
      { x: 'a', v: 'a' },
      false,
    ],
    [
      'everyValue, values fact missing',
      { fact: 'x', operator: 'everyValue:equal', value: { fact: 'v' } },
      { x: 1 },
      false,
    ],
    ['swap:in, fact missing', { fact: 'x', operator: 'swap:in', value: 1 }, {}, false],
  ];
  it.each(cases)('%s', (_, condition, facts, expected) => {
    const rule = compileRule(condition);
    expect(rule.test(facts)).toBe(expected);
    expect(rule.explain(facts).length === 0).toBe(expected);
  });
});
