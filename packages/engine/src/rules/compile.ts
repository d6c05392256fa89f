// Compiles json-rules-engine conditions into synchronous tests with explanations; problems surface at load time.
import { generateRule } from './codegen.js';
import { createDefaultRegistry } from './default-registry.js';
import { explainCondition } from './explain.js';
import { ConditionParser } from './parse-condition.js';
import { RuleCompileError, type RuleProblem } from './rule-errors.js';
import type { CompiledRule, CompileOptions, RuleTest } from './types.js';

/** Compiles many conditions against one set of named conditions and operators, each named condition checked once. */
export interface RuleCompiler {
  /** Throws a RuleCompileError carrying every problem of the condition. */
  compileRule(condition: unknown): CompiledRule;
  /** The `test` of compileRule. */
  compileCondition(condition: unknown): RuleTest;
  /** Every problem of the condition, [] when it compiles. Never throws for a bad condition. */
  check(condition: unknown): RuleProblem[];
}

/**
 * A compiler bound to `options`. Throws a RuleCompileError (RULE_INVALID_OPERATOR) if a custom operator is malformed.
 *
 * @example
 * const compiler = createRuleCompiler({ conditions: { roaming: { fact: 'roamingNow', operator: 'equal', value: true } } });
 * const rule = compiler.compileRule({ all: [{ condition: 'roaming' }, { fact: 'arpu', operator: 'greaterThan', value: 30 }] });
 * rule.test({ roamingNow: true, arpu: 42 }); // true
 */
export function createRuleCompiler(options: CompileOptions = {}): RuleCompiler {
  const registry = createDefaultRegistry(options);
  const parser = new ConditionParser(registry, options.conditions);
  const compileRule = (condition: unknown): CompiledRule => {
    const { node, problems } = parser.parse(condition);
    if (!node) throw new RuleCompileError(problems);
    const generated = generateRule(node);
    return { test: generated.test, explain: (facts) => explainCondition(node, generated, facts) };
  };
  return {
    compileRule,
    compileCondition: (condition) => compileRule(condition).test,
    check: (condition) => parser.parse(condition).problems,
  };
}

/**
 * Compiles one condition (json-rules-engine's format) into a test and an explanation.
 *
 * @example
 * const rule = compileRule({ all: [{ fact: 'tenureMonths', operator: 'greaterThanInclusive', value: 12 }] });
 * rule.test({ tenureMonths: 6 }); // false
 * rule.explain({ tenureMonths: 6 }); // [{ fact: 'tenureMonths', operator: 'greaterThanInclusive', expected: 12, actual: 6, location: 'all[0]' }]
 */
export function compileRule(condition: unknown, options?: CompileOptions): CompiledRule {
  return createRuleCompiler(options).compileRule(condition);
}

/**
 * Compiles one condition into `(facts) => boolean`, with json-rules-engine v7's semantics (allowUndefinedFacts).
 *
 * @example
 * const eligible = compileCondition({ any: [{ fact: 'segment', operator: 'in', value: ['gold', 'platinum'] }] });
 * eligible({ segment: 'gold' }); // true
 */
export function compileCondition(condition: unknown, options?: CompileOptions): RuleTest {
  return createRuleCompiler(options).compileCondition(condition);
}

/** Every problem of the condition ([] when it compiles), for loaders that report all problems at once. */
export function checkCondition(condition: unknown, options?: CompileOptions): RuleProblem[] {
  return createRuleCompiler(options).check(condition);
}
