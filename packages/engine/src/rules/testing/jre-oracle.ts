// Runs a condition through json-rules-engine itself, the oracle the compiled rules are checked against.
import { Engine } from 'json-rules-engine';
import { errorMessage } from '../../error-message.js';

/** true/false: whether the rule passed; `threw`: json-rules-engine rejected the run (the message says why). */
export type OracleResult = boolean | { threw: string };

/**
 * Evaluates `condition` with `new Engine([], { allowUndefinedFacts: true })`, the named conditions set with
 * setCondition. A leaf root (which json-rules-engine refuses as a rule or named condition root) is wrapped in a
 * one-child `all`. Inputs are cloned because json-rules-engine writes into the conditions it is given.
 */
export async function oracle(
  condition: unknown,
  facts: Record<string, unknown>,
  named: Record<string, unknown> = {},
): Promise<OracleResult> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, body] of Object.entries(named)) engine.setCondition(name, asRoot(body) as never);
  engine.addRule({ conditions: asRoot(condition) as never, event: { type: 'passed' } });
  try {
    const { results } = await engine.run(facts);
    return results.length === 1;
  } catch (error) {
    return { threw: errorMessage(error) };
  }
}

function asRoot(condition: unknown): Record<string, unknown> {
  const root = structuredClone(condition) as Record<string, unknown>;
  const isRoot = ['all', 'any', 'not', 'condition'].some((key) => Object.hasOwn(root, key));
  return isRoot ? root : { all: [root] };
}
