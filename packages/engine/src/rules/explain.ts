// Says which leaves made a condition fail, reusing the generated per-leaf tests and reads.
import type { GeneratedRule } from './codegen.js';
import type { ConditionNode, GroupNode, LeafNode } from './condition-ir.js';
import type { Facts, RuleFailure } from './types.js';

/**
 * The leaves that decided a failed condition ([] when it holds):
 * - a failed leaf reports itself;
 * - a failed `all` reports its first failed child (what a short-circuiting reader stops at);
 * - a failed `any` reports every child (all of them failed);
 * - a failed `not` reports why its child passed, marked `negated`: a passing leaf reports itself, a passing `all`
 *   every child, a passing `any` its first passing child, an empty `all`/`any` one record for the group itself;
 * - a named condition is explained through its body, each failure naming the condition it was written in.
 */
export function explainCondition(root: ConditionNode, generated: GeneratedRule, facts: Facts): RuleFailure[] {
  const failures: RuleFailure[] = [];
  const holds = (node: ConditionNode): boolean => {
    switch (node.kind) {
      case 'leaf':
        return generated.leaves[index(node)]!(facts);
      case 'all':
        return node.children.every(holds);
      case 'any':
        return node.children.length === 0 || node.children.some(holds);
      case 'not':
        return !holds(node.child);
      case 'ref':
        return holds(node.target);
    }
  };
  const index = (leaf: LeafNode): number => generated.leafIndex.get(leaf) as number;
  const leafRecord = (leaf: LeafNode, negated: boolean): RuleFailure => {
    const i = index(leaf);
    const value = leaf.value;
    const failure: RuleFailure = {
      fact: leaf.fact,
      ...(leaf.path && { path: leaf.path.text }),
      operator: leaf.operator.name,
      expected: value.kind === 'literal' ? value.value : generated.expecteds[i]!(facts),
      actual: generated.actuals[i]!(facts),
      location: leaf.location,
    };
    return decorate(failure, leaf.condition, negated);
  };
  const emptyGroupRecord = (group: GroupNode): RuleFailure =>
    decorate(
      { fact: '', operator: group.kind, expected: undefined, actual: undefined, location: group.location },
      group.condition,
      true,
    );
  const failed = (node: ConditionNode): void => {
    switch (node.kind) {
      case 'leaf':
        failures.push(leafRecord(node, false));
        return;
      case 'all': {
        const first = node.children.find((child) => !holds(child));
        if (first) failed(first);
        return;
      }
      case 'any':
        node.children.forEach(failed);
        return;
      case 'not':
        passed(node.child);
        return;
      case 'ref':
        failed(node.target);
        return;
    }
  };
  const passed = (node: ConditionNode): void => {
    switch (node.kind) {
      case 'leaf':
        failures.push(leafRecord(node, true));
        return;
      case 'all':
        if (node.children.length === 0) failures.push(emptyGroupRecord(node));
        else node.children.forEach(passed);
        return;
      case 'any': {
        const first = node.children.find(holds);
        if (first) passed(first);
        else failures.push(emptyGroupRecord(node));
        return;
      }
      case 'not':
        failed(node.child);
        return;
      case 'ref':
        passed(node.target);
        return;
    }
  };
  if (!holds(root)) failed(root);
  return failures;
}

function decorate(failure: RuleFailure, condition: string | undefined, negated: boolean): RuleFailure {
  if (condition !== undefined) failure.condition = condition;
  if (negated) failure.negated = true;
  return failure;
}
