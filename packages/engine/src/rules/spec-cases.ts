// The rule semantics as a table: hand-written cases, each checked against both the compiler and json-rules-engine.

/** One case: `condition` (json-rules-engine format) over `facts` must give `expected`. */
export interface SpecCase {
  name: string;
  condition: unknown;
  facts: Record<string, unknown>;
  expected: boolean;
  /** Named conditions the condition may reference. */
  named?: Record<string, unknown>;
}

const leaf = (fact: string, operator: string, value: unknown, path?: string) =>
  path === undefined ? { fact, operator, value } : { fact, operator, value, path };
/** A one-leaf rule (json-rules-engine needs all/any/not/condition at the root). */
const one = (fact: string, operator: string, value: unknown, path?: string) => ({
  all: [leaf(fact, operator, value, path)],
});
const T = { all: [] };
const F = { not: { all: [] } };
const BIG_LIST = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 1, null];

export const specCases: SpecCase[] = [
  // equal / notEqual: strict equality, no coercion
  { name: 'equal: same number', condition: one('x', 'equal', 1), facts: { x: 1 }, expected: true },
  { name: 'equal: string is not number', condition: one('x', 'equal', 1), facts: { x: '1' }, expected: false },
  { name: 'equal: null equals null', condition: one('x', 'equal', null), facts: { x: null }, expected: true },
  { name: 'equal: missing fact equals undefined', condition: one('x', 'equal', undefined), facts: {}, expected: true },
  { name: 'equal: missing fact is not null', condition: one('x', 'equal', null), facts: {}, expected: false },
  {
    name: 'equal: NaN is not NaN',
    condition: one('x', 'equal', Number.NaN),
    facts: { x: Number.NaN },
    expected: false,
  },
  { name: 'equal: -0 equals 0', condition: one('x', 'equal', 0), facts: { x: -0 }, expected: true },
  {
    name: 'equal: objects compare by identity',
    condition: one('x', 'equal', { a: 1 }),
    facts: { x: { a: 1 } },
    expected: false,
  },
  { name: 'equal: boolean', condition: one('x', 'equal', false), facts: { x: false }, expected: true },
  { name: 'notEqual: missing fact', condition: one('x', 'notEqual', 1), facts: {}, expected: true },
  { name: 'notEqual: type mismatch', condition: one('x', 'notEqual', 1), facts: { x: '1' }, expected: true },
  { name: 'notEqual: NaN', condition: one('x', 'notEqual', Number.NaN), facts: { x: Number.NaN }, expected: true },
  { name: 'notEqual: same string', condition: one('x', 'notEqual', 'a'), facts: { x: 'a' }, expected: false },

  // numeric operators: the fact must pass parseFloat, then JavaScript's relational operators decide
  { name: 'lessThan: numbers', condition: one('x', 'lessThan', 2), facts: { x: 1 }, expected: true },
  { name: 'lessThan: equal numbers', condition: one('x', 'lessThan', 2), facts: { x: 2 }, expected: false },
  { name: 'lessThan: numeric string fact', condition: one('x', 'lessThan', 2), facts: { x: '1' }, expected: true },
  { name: 'lessThan: padded numeric string', condition: one('x', 'lessThan', 5), facts: { x: ' 3 ' }, expected: true },
  {
    name: 'lessThan: word fails the validator',
    condition: one('x', 'lessThan', 2),
    facts: { x: 'abc' },
    expected: false,
  },
  {
    name: 'lessThan: number prefix passes validator, compare is NaN',
    condition: one('x', 'lessThan', 5),
    facts: { x: '3abc' },
    expected: false,
  },
  {
    name: 'lessThan: null fails the validator',
    condition: one('x', 'lessThan', 1),
    facts: { x: null },
    expected: false,
  },
  { name: 'lessThan: missing fact', condition: one('x', 'lessThan', 1), facts: {}, expected: false },
  {
    name: 'lessThan: boolean fails the validator',
    condition: one('x', 'lessThan', 2),
    facts: { x: true },
    expected: false,
  },
  { name: 'lessThan: one-element array passes', condition: one('x', 'lessThan', 2), facts: { x: [1] }, expected: true },
  { name: 'lessThan: NaN fact', condition: one('x', 'lessThan', 2), facts: { x: Number.NaN }, expected: false },
  {
    name: 'lessThan: null value compares as 0',
    condition: one('x', 'lessThan', null),
    facts: { x: -1 },
    expected: true,
  },
  { name: 'lessThan: string value', condition: one('x', 'lessThan', '5'), facts: { x: 4 }, expected: true },
  {
    name: 'lessThan: two strings compare as text',
    condition: one('x', 'lessThan', '9'),
    facts: { x: '10' },
    expected: true,
  },
  {
    name: 'lessThan: Infinity',
    condition: one('x', 'lessThan', 1),
    facts: { x: Number.POSITIVE_INFINITY },
    expected: false,
  },
  { name: 'lessThanInclusive: equal', condition: one('x', 'lessThanInclusive', 2), facts: { x: 2 }, expected: true },
  {
    name: 'lessThanInclusive: greater',
    condition: one('x', 'lessThanInclusive', 2),
    facts: { x: 2.5 },
    expected: false,
  },
  { name: 'greaterThan: numbers', condition: one('x', 'greaterThan', 2), facts: { x: 3 }, expected: true },
  {
    name: 'greaterThan: exponent string',
    condition: one('x', 'greaterThan', 999),
    facts: { x: '1e3' },
    expected: true,
  },
  { name: 'greaterThan: NaN value', condition: one('x', 'greaterThan', Number.NaN), facts: { x: 3 }, expected: false },
  {
    name: 'greaterThan: "Infinity" string',
    condition: one('x', 'greaterThan', 1e308),
    facts: { x: 'Infinity' },
    expected: true,
  },
  {
    name: 'greaterThanInclusive: equal',
    condition: one('x', 'greaterThanInclusive', 2),
    facts: { x: 2 },
    expected: true,
  },
  {
    name: 'greaterThanInclusive: less',
    condition: one('x', 'greaterThanInclusive', 2),
    facts: { x: 1 },
    expected: false,
  },

  // in / notIn: indexOf on the value (strict equality; a string value means substring)
  { name: 'in: member', condition: one('x', 'in', ['a', 'b']), facts: { x: 'b' }, expected: true },
  { name: 'in: no coercion', condition: one('x', 'in', ['1']), facts: { x: 1 }, expected: false },
  {
    name: 'in: NaN is never found',
    condition: one('x', 'in', [Number.NaN]),
    facts: { x: Number.NaN },
    expected: false,
  },
  { name: 'in: null member', condition: one('x', 'in', [null]), facts: { x: null }, expected: true },
  { name: 'in: missing fact, list without undefined', condition: one('x', 'in', ['a']), facts: {}, expected: false },
  { name: 'in: empty list', condition: one('x', 'in', []), facts: { x: 'a' }, expected: false },
  { name: 'in: long list, member', condition: one('x', 'in', BIG_LIST), facts: { x: 'j' }, expected: true },
  { name: 'in: long list, null member', condition: one('x', 'in', BIG_LIST), facts: { x: null }, expected: true },
  { name: 'in: long list, not a member', condition: one('x', 'in', BIG_LIST), facts: { x: 'z' }, expected: false },
  { name: 'in: string value is a substring test', condition: one('x', 'in', 'abc'), facts: { x: 'b' }, expected: true },
  {
    name: 'in: string value, missing fact reads "undefined"',
    condition: one('x', 'in', 'undefined'),
    facts: {},
    expected: true,
  },
  { name: 'notIn: not a member', condition: one('x', 'notIn', ['a', 'b']), facts: { x: 'c' }, expected: true },
  { name: 'notIn: member', condition: one('x', 'notIn', ['a', 'b']), facts: { x: 'a' }, expected: false },
  { name: 'notIn: missing fact', condition: one('x', 'notIn', ['a']), facts: {}, expected: true },
  { name: 'notIn: NaN', condition: one('x', 'notIn', [Number.NaN]), facts: { x: Number.NaN }, expected: true },
  { name: 'notIn: long list', condition: one('x', 'notIn', BIG_LIST), facts: { x: 1 }, expected: false },
  { name: 'notIn: string value', condition: one('x', 'notIn', 'abc'), facts: { x: 'bc' }, expected: false },

  // contains / doesNotContain: the fact must be an array
  { name: 'contains: member', condition: one('x', 'contains', 'a'), facts: { x: ['a', 'b'] }, expected: true },
  { name: 'contains: not a member', condition: one('x', 'contains', 'c'), facts: { x: ['a', 'b'] }, expected: false },
  {
    name: 'contains: string fact fails the validator',
    condition: one('x', 'contains', 'a'),
    facts: { x: 'abc' },
    expected: false,
  },
  { name: 'contains: missing fact', condition: one('x', 'contains', 'a'), facts: {}, expected: false },
  {
    name: 'contains: NaN never found',
    condition: one('x', 'contains', Number.NaN),
    facts: { x: [Number.NaN] },
    expected: false,
  },
  { name: 'contains: null member', condition: one('x', 'contains', null), facts: { x: [null] }, expected: true },
  {
    name: 'doesNotContain: not a member',
    condition: one('x', 'doesNotContain', 'c'),
    facts: { x: ['a'] },
    expected: true,
  },
  { name: 'doesNotContain: member', condition: one('x', 'doesNotContain', 'a'), facts: { x: ['a'] }, expected: false },
  {
    name: 'doesNotContain: missing fact fails the validator',
    condition: one('x', 'doesNotContain', 'a'),
    facts: {},
    expected: false,
  },

  // decorators (registered by default in json-rules-engine v7)
  {
    name: 'someFact: one element matches',
    condition: one('x', 'someFact:equal', 2),
    facts: { x: [1, 2] },
    expected: true,
  },
  { name: 'someFact: empty array', condition: one('x', 'someFact:equal', 2), facts: { x: [] }, expected: false },
  { name: 'someFact: non-array fact', condition: one('x', 'someFact:equal', 2), facts: { x: 2 }, expected: false },
  {
    name: 'everyFact: all match',
    condition: one('x', 'everyFact:greaterThan', 2),
    facts: { x: [3, '4'] },
    expected: true,
  },
  {
    name: 'everyFact: empty array passes',
    condition: one('x', 'everyFact:greaterThan', 2),
    facts: { x: [] },
    expected: true,
  },
  {
    name: 'everyFact: one fails',
    condition: one('x', 'everyFact:greaterThan', 2),
    facts: { x: [3, 1] },
    expected: false,
  },
  {
    name: 'someValue: fact equals one value',
    condition: one('x', 'someValue:equal', [1, 2]),
    facts: { x: 2 },
    expected: true,
  },
  { name: 'someValue: empty values', condition: one('x', 'someValue:equal', []), facts: { x: 2 }, expected: false },
  {
    name: 'everyValue: less than every value',
    condition: one('x', 'everyValue:lessThan', [2, 3]),
    facts: { x: 1 },
    expected: true,
  },
  {
    name: 'everyValue: empty values pass',
    condition: one('x', 'everyValue:lessThan', []),
    facts: { x: 9 },
    expected: true,
  },
  {
    name: 'swap: value contains the fact',
    condition: one('x', 'swap:contains', ['a', 'b']),
    facts: { x: 'a' },
    expected: true,
  },
  { name: 'swap: in the fact array', condition: one('x', 'swap:in', 'a'), facts: { x: ['x', 'a'] }, expected: true },
  { name: 'not: equal', condition: one('x', 'not:equal', 1), facts: { x: 2 }, expected: true },
  { name: 'not: in', condition: one('x', 'not:in', ['a']), facts: { x: 'a' }, expected: false },
  {
    name: 'not: around a failing validator',
    condition: one('x', 'not:lessThan', 2),
    facts: { x: 'abc' },
    expected: true,
  },
  {
    name: 'someFact:not: some element differs',
    condition: one('x', 'someFact:not:equal', 1),
    facts: { x: [1, 2] },
    expected: true,
  },
  {
    name: 'not:someFact: no element matches',
    condition: one('x', 'not:someFact:equal', 3),
    facts: { x: [1, 2] },
    expected: true,
  },
  {
    name: 'everyFact:someValue: nested',
    condition: one('x', 'everyFact:someValue:equal', [1, 2]),
    facts: { x: [2, 1, 2] },
    expected: true,
  },

  // all / any / not
  { name: 'empty all passes', condition: { all: [] }, facts: {}, expected: true },
  { name: 'empty any passes (json-rules-engine v7)', condition: { any: [] }, facts: {}, expected: true },
  { name: 'not empty all fails', condition: { not: { all: [] } }, facts: {}, expected: false },
  { name: 'not empty any fails', condition: { not: { any: [] } }, facts: {}, expected: false },
  { name: 'all: one failing child', condition: { all: [T, F, T] }, facts: {}, expected: false },
  { name: 'any: one passing child', condition: { any: [F, T, F] }, facts: {}, expected: true },
  { name: 'any: no passing child', condition: { any: [F, F] }, facts: {}, expected: false },
  { name: 'not: leaf', condition: { not: leaf('x', 'equal', 1) }, facts: { x: 1 }, expected: false },
  { name: 'not not: leaf', condition: { not: { not: leaf('x', 'equal', 1) } }, facts: { x: 1 }, expected: true },
  {
    name: 'nested all/any/not',
    condition: {
      all: [
        { any: [leaf('a', 'equal', 1), leaf('b', 'equal', 2)] },
        { not: { all: [leaf('c', 'greaterThan', 5), leaf('d', 'in', ['x'])] } },
      ],
    },
    facts: { a: 0, b: 2, c: 9, d: 'y' },
    expected: true,
  },
  {
    name: 'name and priority are accepted',
    condition: { all: [{ ...leaf('x', 'equal', 1), name: 'x is one', priority: 5 }], priority: 2 },
    facts: { x: 1 },
    expected: true,
  },

  // named conditions
  {
    name: 'named: root reference',
    condition: { condition: 'isOne' },
    named: { isOne: one('x', 'equal', 1) },
    facts: { x: 1 },
    expected: true,
  },
  {
    name: 'named: reference inside all',
    condition: { all: [{ condition: 'isOne' }, leaf('y', 'equal', 2)] },
    named: { isOne: one('x', 'equal', 1) },
    facts: { x: 1, y: 3 },
    expected: false,
  },
  {
    name: 'named: references a named condition',
    condition: { any: [{ condition: 'outer' }] },
    named: { outer: { not: { condition: 'inner' } }, inner: one('x', 'equal', 1) },
    facts: { x: 2 },
    expected: true,
  },
  {
    name: 'named: used twice',
    condition: { all: [{ condition: 'pos' }, { not: { not: { condition: 'pos' } } }] },
    named: { pos: one('x', 'greaterThan', 0) },
    facts: { x: 1 },
    expected: true,
  },

  // paths: only applied when the fact value is an object; steps follow own properties
  {
    name: 'path: nested property',
    condition: one('x', 'equal', 1, '$.a.b'),
    facts: { x: { a: { b: 1 } } },
    expected: true,
  },
  {
    name: 'path: index then property',
    condition: one('x', 'equal', 'y', '$.a[0].b'),
    facts: { x: { a: [{ b: 'y' }] } },
    expected: true,
  },
  {
    name: 'path: trailing index',
    condition: one('x', 'equal', 3, '$.a.b[2]'),
    facts: { x: { a: { b: [1, 2, 3] } } },
    expected: true,
  },
  { name: 'path: whole value', condition: one('x', 'equal', 5, '$'), facts: { x: 5 }, expected: true },
  {
    name: 'path: missing step is undefined',
    condition: one('x', 'equal', undefined, '$.a.b'),
    facts: { x: { c: 1 } },
    expected: true,
  },
  {
    name: 'path: missing fact stays undefined',
    condition: one('x', 'equal', undefined, '$.a'),
    facts: {},
    expected: true,
  },
  {
    name: 'path: non-object fact is used as is',
    condition: one('x', 'equal', 5, '$.a'),
    facts: { x: 5 },
    expected: true,
  },
  {
    name: 'path: string fact is used as is',
    condition: one('x', 'equal', 'abc', '$.length'),
    facts: { x: 'abc' },
    expected: true,
  },
  {
    name: 'path: nested string has a length',
    condition: one('x', 'equal', 3, '$.a.length'),
    facts: { x: { a: 'abc' } },
    expected: true,
  },
  {
    name: 'path: nested string index',
    condition: one('x', 'equal', 'b', '$.a[1]'),
    facts: { x: { a: 'abc' } },
    expected: true,
  },
  {
    name: 'path: array length',
    condition: one('x', 'greaterThan', 1, '$.a.length'),
    facts: { x: { a: [1, 2] } },
    expected: true,
  },
  {
    name: 'path: object has no own length',
    condition: one('x', 'equal', undefined, '$.length'),
    facts: { x: { a: 1 } },
    expected: true,
  },
  {
    name: 'path: through null',
    condition: one('x', 'equal', undefined, '$.a.b'),
    facts: { x: { a: null } },
    expected: true,
  },
  { name: 'path: through 0', condition: one('x', 'equal', undefined, '$.a.b'), facts: { x: { a: 0 } }, expected: true },
  {
    name: 'path: inherited property is not read',
    condition: one('x', 'equal', undefined, '$.a.constructor'),
    facts: { x: { a: {} } },
    expected: true,
  },
  {
    name: 'path: own property named like an inherited one',
    condition: one('x', 'equal', 1, '$.toString'),
    facts: { x: { toString: 1 } },
    expected: true,
  },
  {
    name: 'path: index into an object key',
    condition: one('x', 'equal', 'z', '$[0]'),
    facts: { x: { 0: 'z' } },
    expected: true,
  },
  { name: 'path: array fact', condition: one('x', 'equal', 2, '$[1]'), facts: { x: [1, 2] }, expected: true },

  // values read from facts
  {
    name: 'fact value: compare two facts',
    condition: one('used', 'greaterThan', { fact: 'bundle' }),
    facts: { used: 12, bundle: 10 },
    expected: true,
  },
  {
    name: 'fact value: missing reference is undefined',
    condition: one('x', 'equal', { fact: 'nope' }),
    facts: {},
    expected: true,
  },
  {
    name: 'fact value: with a path',
    condition: one('x', 'lessThan', { fact: 'limits', path: '$.max' }),
    facts: { x: 3, limits: { max: 5 } },
    expected: true,
  },
  {
    name: 'fact value: list read from a fact',
    condition: one('x', 'in', { fact: 'allowed' }),
    facts: { x: 'b', allowed: ['a', 'b'] },
    expected: true,
  },
  {
    name: 'fact value: path on both sides',
    condition: one('a', 'equal', { fact: 'b', path: '$.y[0]' }, '$.x'),
    facts: { a: { x: 7 }, b: { y: [7] } },
    expected: true,
  },

  // facts are own properties only
  {
    name: 'fact named toString is missing unless given',
    condition: one('toString', 'equal', undefined),
    facts: {},
    expected: true,
  },
  {
    name: 'fact named toString when given',
    condition: one('toString', 'equal', 'yes'),
    facts: { toString: 'yes' },
    expected: true,
  },
  {
    name: 'fact named constructor is missing',
    condition: one('constructor', 'equal', undefined),
    facts: {},
    expected: true,
  },
  {
    name: 'explicitly undefined fact',
    condition: one('x', 'equal', undefined),
    facts: { x: undefined },
    expected: true,
  },
];
