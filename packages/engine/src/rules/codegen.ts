// Generates one JavaScript function per condition: straight-line reads and comparisons, no allocation per call.
import type { ConditionNode, LeafNode } from './condition-ir.js';
import type { JsonPath } from './json-path.js';
import { inlineHelpers, inlineOperator } from './operator-inlining.js';
import type { Facts, RuleTest } from './types.js';

type Read = (facts: Facts) => unknown;

/** The generated test plus, per leaf, its test and the reads `explain` reports. */
export interface GeneratedRule {
  readonly test: RuleTest;
  readonly leafIndex: ReadonlyMap<LeafNode, number>;
  readonly leaves: readonly RuleTest[];
  /** The fact value after the path. */
  readonly actuals: readonly Read[];
  /** The compare value, for leaves whose value is read from a fact. */
  readonly expecteds: readonly (Read | undefined)[];
}

const helpers = { hasOwn: Object.hasOwn, ...inlineHelpers };

/**
 * Compiles the IR to a function with `new Function`. Every user string reaches the source only through
 * JSON.stringify, and every non-primitive value through a bound constant, so rules cannot inject code.
 */
export function generateRule(root: ConditionNode): GeneratedRule {
  const generator = new Generator();
  const body = generator.expression(root);
  const leafCount = generator.leafIndex.size;
  const list = (prefix: string, has: (i: number) => boolean = () => true) =>
    Array.from({ length: leafCount }, (_, i) => (has(i) ? `${prefix}${i}` : 'undefined')).join(', ');
  const source = [
    '"use strict";',
    ...generator.constants.map((_, i) => `const k${i} = K[${i}];`),
    ...generator.functions,
    // A fact JavaScript cannot compare (a custom operator that throws on it) fails the rule instead of the decision.
    `function test(f) { try { return ${body}; } catch { return false; } }`,
    `return { test, leaves: [${list('L')}], actuals: [${list('A')}], ` +
      `expecteds: [${list('B', (i) => generator.readsValue[i] === true)}] };`,
  ].join('\n');
  const factory = new Function('K', ...Object.keys(helpers), source);
  const made = factory(generator.constants, ...Object.values(helpers)) as Omit<GeneratedRule, 'leafIndex'>;
  return { ...made, leafIndex: generator.leafIndex };
}

class Generator {
  readonly constants: unknown[] = [];
  readonly functions: string[] = [];
  readonly leafIndex = new Map<LeafNode, number>();
  readonly readsValue: boolean[] = [];
  readonly #named = new Map<ConditionNode, number>();

  expression(node: ConditionNode): string {
    switch (node.kind) {
      case 'leaf':
        return `L${this.#leaf(node)}(f)`;
      // json-rules-engine passes an empty `any` as well as an empty `all`.
      case 'all':
      case 'any': {
        if (node.children.length === 0) return 'true';
        const glue = node.kind === 'all' ? ' && ' : ' || ';
        return `(${node.children.map((child) => this.expression(child)).join(glue)})`;
      }
      case 'not':
        return `!${this.expression(node.child)}`;
      case 'ref':
        return `N${this.#namedCondition(node.target)}(f)`;
    }
  }

  embed(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return String(value);
      case 'undefined':
        return '(void 0)';
      case 'number':
        if (Number.isNaN(value)) return 'NaN';
        if (Object.is(value, -0)) return '(-0)';
        return value < 0 ? `(${value})` : String(value);
      default:
        if (value === null) return 'null';
        return `k${this.constants.push(value) - 1}`;
    }
  }

  // A named condition becomes one function, shared by every reference to it in this condition.
  #namedCondition(target: ConditionNode): number {
    let index = this.#named.get(target);
    if (index === undefined) {
      index = this.#named.size;
      this.#named.set(target, index);
      this.functions.push(`function N${index}(f) { return ${this.expression(target)}; }`);
    }
    return index;
  }

  #leaf(leaf: LeafNode): number {
    let index = this.leafIndex.get(leaf);
    if (index !== undefined) return index;
    index = this.leafIndex.size;
    this.leafIndex.set(leaf, index);
    const readFact = read('a', leaf.fact, leaf.path);
    const value = leaf.value;
    const readValue = value.kind === 'fact' ? read('b', value.fact, value.path) : '';
    // Embedded on first use only: an inlined `in` never needs its list as one constant.
    let valueCode: string | undefined;
    const embedValue = () => {
      valueCode ??= value.kind === 'fact' ? 'b' : this.embed(value.value);
      return valueCode;
    };
    const target = {
      fact: 'a',
      get value() {
        return embedValue();
      },
      literal: value.kind === 'literal' ? { value: value.value } : undefined,
      embed: (v: unknown) => this.embed(v),
    };
    const compare =
      inlineOperator(leaf.operator, target) ?? `(${this.embed(leaf.operator.evaluate)}(a, ${embedValue()}) === true)`;
    this.readsValue[index] = value.kind === 'fact';
    this.functions.push(`function A${index}(f) { ${readFact} return a; }`);
    if (readValue) this.functions.push(`function B${index}(f) { ${readValue} return b; }`);
    this.functions.push(
      `function L${index}(f) { ${readFact} ${readValue} try { return ${compare}; } catch { return false; } }`,
    );
    return index;
  }
}

/**
 * Reads fact `fact` (own properties only: json-rules-engine's almanac knows only the facts given) and follows
 * `path` as json-rules-engine does: only when the fact value is an object, each step then taking an own
 * property of a truthy value (jsonpath-plus), else undefined.
 */
function read(variable: string, fact: string, path: JsonPath | undefined): string {
  const name = JSON.stringify(fact);
  const access = fact in Object.prototype ? `(hasOwn(f, ${name}) ? f[${name}] : void 0)` : `f[${name}]`;
  let code = `let ${variable} = ${access};`;
  if (path && path.steps.length > 0) {
    const steps = path.steps.map((step, i) => {
      const key = /^(0|[1-9]\d{0,8})$/.test(step) ? step : JSON.stringify(step);
      const get = `${variable}[${key}]`;
      // A plain read equals the own-property rule on JSON data unless a built-in prototype has the key.
      const own = inheritedByJsonValues(step) ? `hasOwn(${variable}, ${key})` : '';
      if (i === 0) return `${variable} = ${own ? `${own} ? ${get} : void 0` : get};`;
      return `${variable} = ${variable}${own ? ` && ${own}` : ''} ? ${get} : void 0;`;
    });
    code += ` if (${variable} !== null && typeof ${variable} === "object") { ${steps.join(' ')} }`;
  }
  return code;
}

const jsonPrototypes = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype];

/** Whether reading `key` from some JSON value (object, array, string, number, boolean) could find an inherited property. */
function inheritedByJsonValues(key: string): boolean {
  return jsonPrototypes.some((prototype) => key in prototype);
}
