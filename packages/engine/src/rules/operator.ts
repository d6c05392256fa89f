// Operators and operator decorators as data, the registry they are registered into, and name resolution.
import { RuleCompileError, ruleProblem } from './rule-errors.js';

/** Compares a fact value with a compare value. Only `true` makes a leaf pass. */
export type OperatorEvaluate = (factValue: unknown, compareValue: unknown) => boolean;

/**
 * A rule operator, as in json-rules-engine: `evaluate` runs only when `factValueValidator` (if any) accepts the
 * fact value. `compareValueValidator` is Arbiter's addition: a literal value it rejects is a compile error, and a
 * value read from a fact that it rejects makes the leaf false (where json-rules-engine would throw).
 *
 * @example
 * const startsWith: Operator = { name: 'startsWith', evaluate: (a, b) => typeof a === 'string' && a.startsWith(String(b)) };
 */
export interface Operator {
  readonly name: string;
  readonly evaluate: OperatorEvaluate;
  readonly factValueValidator?: (factValue: unknown) => boolean;
  readonly compareValueValidator?: (compareValue: unknown) => boolean;
}

/** Wraps an operator: `someFact:equal`, `not:in`. `next` is the wrapped operator, validators included. */
export interface OperatorDecorator {
  readonly name: string;
  readonly evaluate: (factValue: unknown, compareValue: unknown, next: OperatorEvaluate) => boolean;
  readonly factValueValidator?: (factValue: unknown) => boolean;
  readonly compareValueValidator?: (compareValue: unknown) => boolean;
}

/** The operators and decorators a compiler resolves names against. */
export interface OperatorRegistry {
  readonly operators: Map<string, Operator>;
  readonly decorators: Map<string, OperatorDecorator>;
}

/** An operator name resolved to its base operator and decorators, composed into one evaluate function. */
export interface ResolvedOperator {
  readonly name: string;
  readonly base: Operator;
  /** Outermost first: `someFact:not:equal` is [someFact, not]. */
  readonly decorators: readonly OperatorDecorator[];
  /** validators + callbacks exactly as json-rules-engine chains them (results are not coerced to boolean). */
  readonly evaluate: OperatorEvaluate;
}

/** An empty registry; see `createDefaultRegistry` for one holding the built-ins. */
export function createOperatorRegistry(): OperatorRegistry {
  return { operators: new Map(), decorators: new Map() };
}

/** Registers (or replaces, like json-rules-engine's `addOperator`) an operator. Built-ins come in this way too. */
export function registerOperator(registry: OperatorRegistry, operator: Operator): void {
  checkDefinition(operator, 'operator');
  registry.operators.set(operator.name, operator);
}

/** Registers (or replaces) an operator decorator. */
export function registerOperatorDecorator(registry: OperatorRegistry, decorator: OperatorDecorator): void {
  checkDefinition(decorator, 'decorator');
  registry.decorators.set(decorator.name, decorator);
}

export type ResolveResult =
  | { readonly ok: true; readonly operator: ResolvedOperator }
  | { readonly ok: false; readonly reason: string };

/**
 * Resolves `name` the way json-rules-engine's OperatorMap.get does: a registered name wins as is; otherwise the
 * text before the first `:` must be a decorator, and the rest is resolved again.
 */
export function resolveOperator(registry: OperatorRegistry, name: string): ResolveResult {
  const decorators: OperatorDecorator[] = [];
  let rest = name;
  let base = registry.operators.get(rest);
  while (!base) {
    const colon = rest.indexOf(':');
    if (colon <= 0) return { ok: false, reason: `unknown operator '${rest}'${rest === name ? '' : ` in '${name}'`}` };
    const decoratorName = rest.slice(0, colon);
    const decorator = registry.decorators.get(decoratorName);
    if (!decorator) return { ok: false, reason: `unknown operator decorator '${decoratorName}' in '${name}'` };
    decorators.push(decorator);
    rest = rest.slice(colon + 1);
    base = registry.operators.get(rest);
  }
  let evaluate = composeOperator(base);
  for (let i = decorators.length - 1; i >= 0; i--) evaluate = composeDecorator(decorators[i]!, evaluate);
  return { ok: true, operator: { name, base, decorators, evaluate } };
}

function composeOperator(op: Operator): OperatorEvaluate {
  const { evaluate, factValueValidator: fv, compareValueValidator: cv } = op;
  if (fv && cv) return (a, b) => fv(a) && cv(b) && evaluate(a, b);
  if (fv) return (a, b) => fv(a) && evaluate(a, b);
  if (cv) return (a, b) => cv(b) && evaluate(a, b);
  return evaluate;
}

function composeDecorator(decorator: OperatorDecorator, next: OperatorEvaluate): OperatorEvaluate {
  const { evaluate, factValueValidator: fv, compareValueValidator: cv } = decorator;
  if (fv && cv) return (a, b) => fv(a) && cv(b) && evaluate(a, b, next);
  if (fv) return (a, b) => fv(a) && evaluate(a, b, next);
  if (cv) return (a, b) => cv(b) && evaluate(a, b, next);
  return (a, b) => evaluate(a, b, next);
}

function checkDefinition(def: Operator | OperatorDecorator, kind: 'operator' | 'decorator'): void {
  const reasons: string[] = [];
  if (def === null || typeof def !== 'object') {
    reasons.push(`${kind} must be an object`);
  } else {
    if (typeof def.name !== 'string' || def.name === '') reasons.push(`${kind} name must be a non-empty string`);
    if (kind === 'decorator' && typeof def.name === 'string' && def.name.includes(':')) {
      reasons.push(`decorator name '${def.name}' must not contain ':'`);
    }
    if (typeof def.evaluate !== 'function') reasons.push(`${kind} '${String(def.name)}' needs an evaluate function`);
    for (const key of ['factValueValidator', 'compareValueValidator'] as const) {
      if (def[key] !== undefined && typeof def[key] !== 'function') {
        reasons.push(`${kind} '${String(def.name)}': ${key} must be a function`);
      }
    }
  }
  if (reasons.length > 0) throw new RuleCompileError(reasons.map((r) => ruleProblem('RULE_INVALID_OPERATOR', '', r)));
}
