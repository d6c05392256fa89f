// The rules compiler's error catalogue: codes as data, the problem shape, and the error thrown at config load.

/** Every code the rules compiler reports (at config load, never while deciding), with what it means. */
export const ruleErrors = {
  RULE_INVALID_CONDITION: 'The condition is malformed: wrong shape, a wrong type, a missing or unknown property.',
  RULE_UNKNOWN_OPERATOR: 'The operator, or one of its decorators (someFact:, not:, ...), is not registered.',
  RULE_UNKNOWN_CONDITION: 'The condition references a named condition that is not defined.',
  RULE_CIRCULAR_CONDITION: 'Named conditions reference each other in a cycle.',
  RULE_UNSUPPORTED_PATH: 'The path is outside the supported JSONPath subset: $, then .name and [index] steps.',
  RULE_INVALID_VALUE: 'The literal value can never be used by the operator (json-rules-engine would throw).',
  RULE_INVALID_OPERATOR: 'A custom operator or decorator definition is malformed.',
} as const;

export type RuleErrorCode = keyof typeof ruleErrors;

/** One problem found while compiling a condition. */
export interface RuleProblem {
  readonly code: RuleErrorCode;
  readonly message: string;
  /** Where in the compiled condition, e.g. `all[2].any[0].operator` ('' is the root). */
  readonly location: string;
  /** When the problem sits inside a named condition: its name (the innermost one if references nest). */
  readonly condition?: string;
  /** When the problem sits inside a named condition: where inside it. */
  readonly conditionLocation?: string;
}

/** Thrown at compile time (never while deciding); carries every problem found in the condition. */
export class RuleCompileError extends Error {
  readonly code: RuleErrorCode;
  readonly location: string;
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[]) {
    const first = problems[0];
    if (!first) throw new TypeError('RuleCompileError needs at least one problem');
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${first.code} at ${first.location || '(root)'}: ${first.message}${more}`);
    this.name = 'RuleCompileError';
    this.code = first.code;
    this.location = first.location;
    this.problems = problems;
  }
}

/** Builds a problem; `location` is relative to the condition being compiled. */
export function ruleProblem(code: RuleErrorCode, location: string, message: string): RuleProblem {
  return { code, location, message };
}
