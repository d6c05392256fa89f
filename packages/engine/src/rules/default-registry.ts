// A registry holding the built-in operators and decorators, then any custom ones, all registered the same way.
import { defaultOperatorDecorators } from './default-decorators.js';
import { defaultOperators } from './default-operators.js';
import {
  createOperatorRegistry,
  type Operator,
  type OperatorDecorator,
  type OperatorRegistry,
  registerOperator,
  registerOperatorDecorator,
} from './operator.js';
import { RuleCompileError, type RuleProblem } from './rule-errors.js';

/**
 * The registry a compiler resolves operator names against: built-ins first, then `operators` and `decorators`
 * (a custom one with a built-in's name replaces it, as with json-rules-engine's `addOperator`).
 */
export function createDefaultRegistry(
  custom: { operators?: readonly Operator[]; decorators?: readonly OperatorDecorator[] } = {},
): OperatorRegistry {
  const registry = createOperatorRegistry();
  for (const operator of defaultOperators) registerOperator(registry, operator);
  for (const decorator of defaultOperatorDecorators) registerOperatorDecorator(registry, decorator);
  // Custom definitions come from plugins: report every malformed one at once, like condition problems.
  const problems: RuleProblem[] = [];
  const collect = (register: () => void) => {
    try {
      register();
    } catch (error) {
      if (!(error instanceof RuleCompileError)) throw error;
      problems.push(...error.problems);
    }
  };
  for (const operator of custom.operators ?? []) collect(() => registerOperator(registry, operator));
  for (const decorator of custom.decorators ?? []) collect(() => registerOperatorDecorator(registry, decorator));
  if (problems.length > 0) throw new RuleCompileError(problems);
  return registry;
}
