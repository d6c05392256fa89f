// The public shapes of the rules compiler: conditions as analysts write them, facts, compiled rules, failures.
import type { Operator, OperatorDecorator } from './operator.js';

/** The facts a rule reads: fact `x` is `facts.x` (own properties only). */
export type Facts = Readonly<Record<string, unknown>>;

/** The compiled fast path: no allocation, no exceptions from built-in operators. */
export type RuleTest = (facts: Facts) => boolean;

/** A compare value read from another fact, as json-rules-engine allows. */
export interface FactReference {
  fact: string;
  path?: string;
  params?: Record<string, unknown>;
}

export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  path?: string;
  params?: Record<string, unknown>;
  name?: string;
  priority?: number;
}

export interface AllCondition {
  all: Condition[];
  name?: string;
  priority?: number;
}

export interface AnyCondition {
  any: Condition[];
  name?: string;
  priority?: number;
}

export interface NotCondition {
  not: Condition;
  name?: string;
  priority?: number;
}

export interface ConditionReference {
  condition: string;
  name?: string;
  priority?: number;
}

/** json-rules-engine's condition format (documentation only: the compiler checks `unknown` input itself). */
export type Condition = AllCondition | AnyCondition | NotCondition | ConditionReference | LeafCondition;

/** A leaf that decided a failed rule (or, with `negated`, a leaf whose pass made a `not` fail). */
export interface RuleFailure {
  /** The fact the leaf reads; '' for an empty `all`/`any` under a `not` (which passes vacuously). */
  fact: string;
  /** The leaf's JSONPath, when it has one. */
  path?: string;
  /** The leaf's operator as written (`greaterThan`, `not:in`); `all`/`any` for an empty group. */
  operator: string;
  /** The compare value, resolved (read from the facts when the value is `{ fact }`). */
  expected: unknown;
  /** The fact value after the path. */
  actual: unknown;
  /** The named condition the leaf was written in, when it came from one. */
  condition?: string;
  /** Where the leaf sits inside the compiled condition, or inside `condition` when that is set. */
  location: string;
  /** True when the leaf passed and a `not` (an odd number of them) above it turned that into the failure. */
  negated?: true;
}

/** A condition compiled for deciding (`test`) and for saying why it failed (`explain`). */
export interface CompiledRule {
  /** True when the condition holds for these facts. The hot path: call it as often as you like. */
  readonly test: RuleTest;
  /** The leaves that made `test` false ([] when it is true). Slower; call it only when asked. */
  explain(facts: Facts): RuleFailure[];
}

/** What a condition may refer to besides the built-ins. */
export interface CompileOptions {
  /** Named conditions, referenced as `{ condition: name }`. */
  conditions?: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;
  /** Custom operators, registered after the built-ins (a same-named one replaces the built-in). */
  operators?: readonly Operator[];
  /** Custom operator decorators, registered after the built-in ones. */
  decorators?: readonly OperatorDecorator[];
}
