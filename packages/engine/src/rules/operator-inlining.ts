// Inline JavaScript for the built-in operators, so generated tests compare values without calling closures.
import { notDecorator } from './default-decorators.js';
import { defaultOperators, numberValidator } from './default-operators.js';
import type { Operator, ResolvedOperator } from './operator.js';

/** What an inliner may use: expressions for both sides, the literal (if any), and a way to embed values. */
export interface InlineTarget {
  /** Expression for the fact value (a local variable). */
  readonly fact: string;
  /** Expression for the compare value: an embedded literal or a local variable. */
  readonly value: string;
  /** The compare value, when it is a literal rather than read from a fact. */
  readonly literal: { readonly value: unknown } | undefined;
  /** Embeds any value in the generated code and returns the expression for it. */
  embed(value: unknown): string;
}

type Inliner = (t: InlineTarget) => string | undefined;

/** Names the inlined code calls; the code generator binds them. */
export const inlineHelpers = { isArray: Array.isArray, num: numberValidator } as const;

// Above this many items a Set beats a chain of ===.
const MAX_INLINE_ITEMS = 8;

// Numbers skip numberValidator: for a number it only rejects NaN, and every comparison with NaN is false anyway.
const compare =
  (op: string): Inliner =>
  ({ fact: a, value: b }) =>
    `(typeof ${a} === "number" ? ${a} ${op} ${b} : num(${a}) && ${a} ${op} ${b})`;

// indexOf uses ===, so a chain of === or a Set gives the same answer once NaN (which indexOf never finds) is dropped.
const membership: Inliner = (t) => {
  if (!t.literal || !Array.isArray(t.literal.value)) return undefined;
  const items = (t.literal.value as readonly unknown[]).filter((v) => !Number.isNaN(v));
  if (items.length === 0) return 'false';
  if (items.length <= MAX_INLINE_ITEMS) return `(${items.map((v) => `${t.fact} === ${t.embed(v)}`).join(' || ')})`;
  return `${t.embed(new Set(items))}.has(${t.fact})`;
};

const byName = new Map(defaultOperators.map((op) => [op.name, op]));
const builtin = (name: string): Operator => byName.get(name) as Operator;

const inliners = new Map<Operator, Inliner>([
  [builtin('equal'), ({ fact, value }) => `(${fact} === ${value})`],
  [builtin('notEqual'), ({ fact, value }) => `(${fact} !== ${value})`],
  [builtin('lessThan'), compare('<')],
  [builtin('lessThanInclusive'), compare('<=')],
  [builtin('greaterThan'), compare('>')],
  [builtin('greaterThanInclusive'), compare('>=')],
  [builtin('in'), membership],
  [builtin('notIn'), (t) => negate(membership(t))],
  [builtin('contains'), ({ fact, value }) => `(isArray(${fact}) && ${fact}.indexOf(${value}) > -1)`],
  [builtin('doesNotContain'), ({ fact, value }) => `(isArray(${fact}) && ${fact}.indexOf(${value}) === -1)`],
]);

/**
 * Inline code for a built-in operator (optionally under built-in `not:` decorators), or undefined when the
 * operator must be called through its composed evaluate function. Custom operators are never inlined, even
 * when they reuse a built-in's name, because the lookup is by identity.
 */
export function inlineOperator(operator: ResolvedOperator, target: InlineTarget): string | undefined {
  let code = inliners.get(operator.base)?.(target);
  for (let i = operator.decorators.length - 1; i >= 0 && code !== undefined; i--) {
    code = operator.decorators[i] === notDecorator ? negate(code) : undefined;
  }
  return code;
}

function negate(code: string | undefined): string | undefined {
  return code === undefined ? undefined : `!${code}`;
}
