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
  // Module-level functions over one context rather than closures made per call: the server runs through tsx, whose
  // esbuild keeps function names by defining \`name\` on every closure it makes (most of an explained decision's time).
  const context: Context = { generated, facts, failures: [] };
  if (!holds(context, root)) failed(context, root);
  return context.failures;
}

interface Context {
  readonly generated: GeneratedRule;
  readonly facts: Facts;
  readonly failures: RuleFailure[];
}

function holds(context: Context, node: ConditionNode): boolean {
  switch (node.kind) {
    case 'leaf':
      return context.generated.leaves[indexOf(context, node)]!(context.facts);
    case 'all':
      return firstWhere(context, node.children, false) === undefined;
    case 'any':
      return node.children.length === 0 || firstWhere(context, node.children, true) !== undefined;
    case 'not':
      return !holds(context, node.child);
    case 'ref':
      return holds(context, node.target);
  }
}

/** The first child that holds (or, with `holding` false, that does not). */
function firstWhere(context: Context, children: readonly ConditionNode[], holding: boolean): ConditionNode | undefined {
  for (const child of children) if (holds(context, child) === holding) return child;
  return undefined;
}

function indexOf(context: Context, leaf: LeafNode): number {
  return context.generated.leafIndex.get(leaf) as number;
}

function leafRecord(context: Context, leaf: LeafNode, negated: boolean): RuleFailure {
  const { generated, facts } = context;
  const i = indexOf(context, leaf);
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
}

function emptyGroupRecord(group: GroupNode): RuleFailure {
  return decorate(
    { fact: '', operator: group.kind, expected: undefined, actual: undefined, location: group.location },
    group.condition,
    true,
  );
}

function failed(context: Context, node: ConditionNode): void {
  switch (node.kind) {
    case 'leaf':
      context.failures.push(leafRecord(context, node, false));
      return;
    case 'all': {
      const first = firstWhere(context, node.children, false);
      if (first) failed(context, first);
      return;
    }
    case 'any':
      for (const child of node.children) failed(context, child);
      return;
    case 'not':
      passed(context, node.child);
      return;
    case 'ref':
      failed(context, node.target);
      return;
  }
}

function passed(context: Context, node: ConditionNode): void {
  switch (node.kind) {
    case 'leaf':
      context.failures.push(leafRecord(context, node, true));
      return;
    case 'all':
      if (node.children.length === 0) context.failures.push(emptyGroupRecord(node));
      else for (const child of node.children) passed(context, child);
      return;
    case 'any': {
      const first = firstWhere(context, node.children, true);
      if (first) passed(context, first);
      else context.failures.push(emptyGroupRecord(node));
      return;
    }
    case 'not':
      failed(context, node.child);
      return;
    case 'ref':
      passed(context, node.target);
      return;
  }
}

function decorate(failure: RuleFailure, condition: string | undefined, negated: boolean): RuleFailure {
  if (condition !== undefined) failure.condition = condition;
  if (negated) failure.negated = true;
  return failure;
}
