// The built-in operator decorators (json-rules-engine v7 registers these by default), as data.
import type { OperatorDecorator } from './operator.js';

// Loops instead of Array#some/every: the same result on JSON arrays (no holes) without allocating a callback.
const someFact: OperatorDecorator = {
  name: 'someFact',
  factValueValidator: Array.isArray,
  evaluate(factValue, compareValue, next) {
    const list = factValue as readonly unknown[];
    for (let i = 0; i < list.length; i++) if (next(list[i], compareValue)) return true;
    return false;
  },
};
const everyFact: OperatorDecorator = {
  name: 'everyFact',
  factValueValidator: Array.isArray,
  evaluate(factValue, compareValue, next) {
    const list = factValue as readonly unknown[];
    for (let i = 0; i < list.length; i++) if (!next(list[i], compareValue)) return false;
    return true;
  },
};
// json-rules-engine throws when the value is not an array; here that value makes the leaf false instead.
const someValue: OperatorDecorator = {
  name: 'someValue',
  compareValueValidator: Array.isArray,
  evaluate(factValue, compareValue, next) {
    const list = compareValue as readonly unknown[];
    for (let i = 0; i < list.length; i++) if (next(factValue, list[i])) return true;
    return false;
  },
};
const everyValue: OperatorDecorator = {
  name: 'everyValue',
  compareValueValidator: Array.isArray,
  evaluate(factValue, compareValue, next) {
    const list = compareValue as readonly unknown[];
    for (let i = 0; i < list.length; i++) if (!next(factValue, list[i])) return false;
    return true;
  },
};
const swap: OperatorDecorator = {
  name: 'swap',
  evaluate: (factValue, compareValue, next) => next(compareValue, factValue),
};
const not: OperatorDecorator = {
  name: 'not',
  evaluate: (factValue, compareValue, next) => !next(factValue, compareValue),
};

/** The built-in decorators, in json-rules-engine's order. */
export const defaultOperatorDecorators: readonly OperatorDecorator[] = Object.freeze([
  someFact,
  someValue,
  everyFact,
  everyValue,
  swap,
  not,
]);

/** How a built-in decorator hands the compare value to the operator it wraps; lets the compiler check literals. */
export type CompareValueFlow = 'same' | 'elements' | 'swapped';

const flows = new Map<OperatorDecorator, CompareValueFlow>([
  [someFact, 'same'],
  [everyFact, 'same'],
  [not, 'same'],
  [someValue, 'elements'],
  [everyValue, 'elements'],
  [swap, 'swapped'],
]);

/** The flow of a built-in decorator; undefined for custom ones (the compiler then stops checking the literal). */
export function compareValueFlow(decorator: OperatorDecorator): CompareValueFlow | undefined {
  return flows.get(decorator);
}

/** The built-in `not` decorator, which the code generator inlines as `!`. */
export const notDecorator: OperatorDecorator = not;
