// The rules compiler's public API: json-rules-engine conditions compiled once into fast, explainable tests.
export { checkCondition, compileCondition, compileRule, createRuleCompiler, type RuleCompiler } from './compile.js';
export { defaultOperatorDecorators } from './default-decorators.js';
export { defaultOperators, numberValidator } from './default-operators.js';
export { createDefaultRegistry } from './default-registry.js';
export {
  createOperatorRegistry,
  type Operator,
  type OperatorDecorator,
  type OperatorEvaluate,
  type OperatorRegistry,
  registerOperator,
  registerOperatorDecorator,
} from './operator.js';
export { RuleCompileError, type RuleErrorCode, type RuleProblem, ruleErrors } from './rule-errors.js';
export type {
  AllCondition,
  AnyCondition,
  CompiledRule,
  CompileOptions,
  Condition,
  ConditionReference,
  FactReference,
  Facts,
  LeafCondition,
  NotCondition,
  RuleFailure,
  RuleTest,
} from './types.js';
