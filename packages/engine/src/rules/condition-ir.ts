// The checked, resolved form of a condition that code generation and explanation both walk.
import type { JsonPath } from './json-path.js';
import type { ResolvedOperator } from './operator.js';

export type ConditionNode = GroupNode | NotNode | ReferenceNode | LeafNode;

interface NodeBase {
  /** Where the node sits inside the condition it was written in (`all[2].any[0]`, '' for the root). */
  readonly location: string;
  /** The named condition the node was written in; undefined for the compiled condition itself. */
  readonly condition: string | undefined;
}

export interface GroupNode extends NodeBase {
  readonly kind: 'all' | 'any';
  readonly children: readonly ConditionNode[];
}

export interface NotNode extends NodeBase {
  readonly kind: 'not';
  readonly child: ConditionNode;
}

/** `{ condition: name }`: evaluates the named condition, compiled once and shared by every reference. */
export interface ReferenceNode extends NodeBase {
  readonly kind: 'ref';
  readonly name: string;
  readonly target: ConditionNode;
}

export interface LeafNode extends NodeBase {
  readonly kind: 'leaf';
  readonly fact: string;
  readonly path: JsonPath | undefined;
  readonly operator: ResolvedOperator;
  readonly value: ValueSource;
}

/** A literal compare value, or `{ fact, path? }` read from the facts like the leaf's own fact. */
export type ValueSource =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'fact'; readonly fact: string; readonly path: JsonPath | undefined };
