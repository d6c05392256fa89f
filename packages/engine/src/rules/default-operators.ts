// The built-in operators, json-rules-engine v7's defaults, as data registered like any custom operator.
import type { Operator } from './operator.js';

/**
 * json-rules-engine's check for the numeric operators: anything `parseFloat` can read a number from. A value
 * JavaScript cannot turn into text (an object whose `toString` is not a function, as in `{"toString": 1}` from a
 * JSON profile) fails the check where json-rules-engine would throw, so a rule never throws on a fact.
 */
export function numberValidator(factValue: unknown): boolean {
  if (typeof factValue === 'number') return !Number.isNaN(factValue);
  try {
    return Number.parseFloat(factValue as string).toString() !== 'NaN';
  } catch {
    return false;
  }
}

/** What `in`/`notIn` can search: json-rules-engine calls `value.indexOf(fact)`, which only these have. */
export function isIndexable(compareValue: unknown): boolean {
  return typeof compareValue === 'string' || Array.isArray(compareValue);
}

type Searchable = { indexOf(item: unknown): number };

const equal: Operator = { name: 'equal', evaluate: (a, b) => a === b };
const notEqual: Operator = { name: 'notEqual', evaluate: (a, b) => a !== b };
// A string value makes `in` a substring test, as in json-rules-engine; other non-arrays would throw there.
const inOperator: Operator = {
  name: 'in',
  evaluate: (a, b) => (b as Searchable).indexOf(a) > -1,
  compareValueValidator: isIndexable,
};
const notIn: Operator = {
  name: 'notIn',
  evaluate: (a, b) => (b as Searchable).indexOf(a) === -1,
  compareValueValidator: isIndexable,
};
const contains: Operator = {
  name: 'contains',
  evaluate: (a, b) => (a as Searchable).indexOf(b) > -1,
  factValueValidator: Array.isArray,
};
const doesNotContain: Operator = {
  name: 'doesNotContain',
  evaluate: (a, b) => (a as Searchable).indexOf(b) === -1,
  factValueValidator: Array.isArray,
};
// Comparisons take whatever JavaScript's relational operators do once the fact passes numberValidator.
const lessThan: Operator = {
  name: 'lessThan',
  evaluate: (a, b) => (a as number) < (b as number),
  factValueValidator: numberValidator,
};
const lessThanInclusive: Operator = {
  name: 'lessThanInclusive',
  evaluate: (a, b) => (a as number) <= (b as number),
  factValueValidator: numberValidator,
};
const greaterThan: Operator = {
  name: 'greaterThan',
  evaluate: (a, b) => (a as number) > (b as number),
  factValueValidator: numberValidator,
};
const greaterThanInclusive: Operator = {
  name: 'greaterThanInclusive',
  evaluate: (a, b) => (a as number) >= (b as number),
  factValueValidator: numberValidator,
};

/** The built-in operators, in json-rules-engine's order. */
export const defaultOperators: readonly Operator[] = Object.freeze([
  equal,
  notEqual,
  inOperator,
  notIn,
  contains,
  doesNotContain,
  lessThan,
  lessThanInclusive,
  greaterThan,
  greaterThanInclusive,
]);
