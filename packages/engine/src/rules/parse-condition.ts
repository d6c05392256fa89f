// Checks a condition and resolves it into the IR, collecting every problem rather than stopping at the first.
import type { ConditionNode, LeafNode, ValueSource } from './condition-ir.js';
import { compareValueFlow } from './default-decorators.js';
import { type JsonPath, parseJsonPath } from './json-path.js';
import { type OperatorRegistry, type ResolvedOperator, resolveOperator } from './operator.js';
import { type RuleErrorCode, type RuleProblem, ruleProblem } from './rule-errors.js';
import type { CompileOptions } from './types.js';

type Raw = Record<string, unknown>;

const GROUP_KEYS = new Set(['all', 'any', 'not', 'name', 'priority']);
const REFERENCE_KEYS = new Set(['condition', 'name', 'priority']);
const LEAF_KEYS = new Set(['fact', 'operator', 'value', 'path', 'params', 'name', 'priority']);
const VALUE_REFERENCE_KEYS = new Set(['fact', 'path', 'params']);
const LEAF_ONLY = ['fact', 'operator', 'value', 'path', 'params'];

interface NamedEntry {
  readonly node: ConditionNode | undefined;
  readonly problems: readonly RuleProblem[];
}

export interface ParseResult {
  /** Undefined whenever there is a problem. */
  readonly node: ConditionNode | undefined;
  readonly problems: RuleProblem[];
}

/** Parses conditions against one registry and one set of named conditions, each named one parsed once. */
export class ConditionParser {
  readonly #registry: OperatorRegistry;
  readonly #source: CompileOptions['conditions'];
  readonly #named = new Map<string, NamedEntry>();
  readonly #parsing: string[] = [];

  constructor(registry: OperatorRegistry, conditions: CompileOptions['conditions']) {
    this.#registry = registry;
    this.#source = conditions;
  }

  parse(raw: unknown): ParseResult {
    const problems: RuleProblem[] = [];
    const node = this.#node(raw, '', undefined, problems);
    return { node: problems.length === 0 ? node : undefined, problems };
  }

  #node(raw: unknown, at: string, inside: string | undefined, problems: RuleProblem[]): ConditionNode | undefined {
    const report = (code: RuleErrorCode, where: string, message: string) => {
      problems.push(ruleProblem(code, where, message));
      return undefined;
    };
    if (!isPlainObject(raw))
      return report('RULE_INVALID_CONDITION', at, `a condition must be an object, got ${show(raw)}`);
    const groups = ['all', 'any', 'not'].filter((k) => Object.hasOwn(raw, k));
    const leafKeys = LEAF_ONLY.filter((k) => Object.hasOwn(raw, k));
    const isReference = Object.hasOwn(raw, 'condition');
    if (groups.length > 1) {
      return report('RULE_INVALID_CONDITION', at, `one node cannot have both ${groups.join(' and ')}: nest them`);
    }
    const group = groups[0] as 'all' | 'any' | 'not' | undefined;
    const others = [...(isReference ? ['condition'] : []), ...leafKeys];
    if (group && others.length > 0) {
      return report(
        'RULE_INVALID_CONDITION',
        at,
        `'${group}' cannot be mixed with ${others.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    if (isReference && leafKeys.length > 0) {
      return report(
        'RULE_INVALID_CONDITION',
        at,
        `a condition reference cannot have ${leafKeys.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    if (!group && !isReference && leafKeys.length === 0) {
      return report('RULE_INVALID_CONDITION', at, 'a condition needs all, any, not, condition, or fact/operator/value');
    }
    const before = problems.length;
    checkCommonKeys(raw, at, group ? GROUP_KEYS : isReference ? REFERENCE_KEYS : LEAF_KEYS, problems);
    let node: ConditionNode | undefined;
    if (group === 'all' || group === 'any') node = this.#group(raw, group, at, inside, problems);
    else if (group === 'not') node = this.#not(raw, at, inside, problems);
    else if (isReference) node = this.#reference(raw, at, inside, problems);
    else node = this.#leaf(raw, at, inside, problems);
    return problems.length === before ? node : undefined;
  }

  #group(raw: Raw, kind: 'all' | 'any', at: string, inside: string | undefined, problems: RuleProblem[]) {
    const list = raw[kind];
    const where = join(at, kind);
    if (!Array.isArray(list)) {
      problems.push(ruleProblem('RULE_INVALID_CONDITION', where, `'${kind}' must be an array, got ${show(list)}`));
      return undefined;
    }
    const children: ConditionNode[] = [];
    list.forEach((child, i) => {
      const node = this.#node(child, `${where}[${i}]`, inside, problems);
      if (node) children.push(node);
    });
    return { kind, children, location: at, condition: inside } satisfies ConditionNode;
  }

  #not(raw: Raw, at: string, inside: string | undefined, problems: RuleProblem[]): ConditionNode | undefined {
    const where = join(at, 'not');
    if (Array.isArray(raw.not)) {
      problems.push(ruleProblem('RULE_INVALID_CONDITION', where, "'not' takes one condition, not an array"));
      return undefined;
    }
    const child = this.#node(raw.not, where, inside, problems);
    return child && { kind: 'not', child, location: at, condition: inside };
  }

  #reference(raw: Raw, at: string, inside: string | undefined, problems: RuleProblem[]): ConditionNode | undefined {
    const name = raw.condition;
    const where = join(at, 'condition');
    if (typeof name !== 'string' || name === '') {
      problems.push(
        ruleProblem('RULE_INVALID_CONDITION', where, `'condition' must be a non-empty string, got ${show(name)}`),
      );
      return undefined;
    }
    const target = this.#resolveNamed(name, where, problems);
    return target && { kind: 'ref', name, target, location: at, condition: inside };
  }

  #resolveNamed(name: string, where: string, problems: RuleProblem[]): ConditionNode | undefined {
    const cycleStart = this.#parsing.indexOf(name);
    if (cycleStart >= 0) {
      const cycle = [...this.#parsing.slice(cycleStart), name].map((n) => `'${n}'`).join(' -> ');
      problems.push(ruleProblem('RULE_CIRCULAR_CONDITION', where, `named conditions form a cycle: ${cycle}`));
      return undefined;
    }
    let entry = this.#named.get(name);
    if (!entry) {
      const source = lookup(this.#source, name);
      if (!source.found) {
        problems.push(ruleProblem('RULE_UNKNOWN_CONDITION', where, `no named condition '${name}'`));
        return undefined;
      }
      this.#parsing.push(name);
      const own: RuleProblem[] = [];
      const node = this.#node(source.value, '', name, own);
      this.#parsing.pop();
      entry = { node: own.length === 0 ? node : undefined, problems: own };
      this.#named.set(name, entry);
    }
    for (const p of entry.problems) problems.push(liftProblem(p, name, where));
    return entry.node;
  }

  #leaf(raw: Raw, at: string, inside: string | undefined, problems: RuleProblem[]): LeafNode | undefined {
    const invalid = (where: string, message: string) =>
      problems.push(ruleProblem('RULE_INVALID_CONDITION', where, message));
    const fact = raw.fact;
    if (!Object.hasOwn(raw, 'fact')) invalid(at, "a leaf needs 'fact'");
    else if (typeof fact !== 'string' || fact === '') {
      invalid(join(at, 'fact'), `'fact' must be a non-empty string, got ${show(fact)}`);
    }
    let operator: ResolvedOperator | undefined;
    const operatorName = raw.operator;
    if (!Object.hasOwn(raw, 'operator')) invalid(at, "a leaf needs 'operator'");
    else if (typeof operatorName !== 'string' || operatorName === '') {
      invalid(join(at, 'operator'), `'operator' must be a non-empty string, got ${show(operatorName)}`);
    } else {
      const resolved = resolveOperator(this.#registry, operatorName);
      if (resolved.ok) operator = resolved.operator;
      else problems.push(ruleProblem('RULE_UNKNOWN_OPERATOR', join(at, 'operator'), resolved.reason));
    }
    const path = parsePath(raw, at, problems);
    if (Object.hasOwn(raw, 'params') && !isPlainObject(raw.params)) {
      invalid(join(at, 'params'), `'params' must be an object, got ${show(raw.params)}`);
    }
    let value: ValueSource | undefined;
    if (!Object.hasOwn(raw, 'value')) invalid(at, "a leaf needs 'value'");
    else value = parseValue(raw.value, join(at, 'value'), problems);
    if (operator && value?.kind === 'literal') {
      const reason = literalProblem(operator, value.value);
      if (reason) problems.push(ruleProblem('RULE_INVALID_VALUE', join(at, 'value'), reason));
    }
    if (!operator || !value || typeof fact !== 'string' || path === null) return undefined;
    return { kind: 'leaf', fact, path, operator, value, location: at, condition: inside };
  }
}

function parseValue(raw: unknown, at: string, problems: RuleProblem[]): ValueSource | undefined {
  // json-rules-engine reads any object with an own `fact` as a reference to that fact.
  if (!isPlainObject(raw) || !Object.hasOwn(raw, 'fact')) return { kind: 'literal', value: raw };
  const before = problems.length;
  checkCommonKeys(raw, at, VALUE_REFERENCE_KEYS, problems);
  if (typeof raw.fact !== 'string' || raw.fact === '') {
    problems.push(
      ruleProblem(
        'RULE_INVALID_CONDITION',
        join(at, 'fact'),
        `'fact' must be a non-empty string, got ${show(raw.fact)}`,
      ),
    );
  }
  const path = parsePath(raw, at, problems);
  if (problems.length > before || path === null) return undefined;
  return { kind: 'fact', fact: raw.fact as string, path };
}

/** undefined: no path; null: a broken one (reported). */
function parsePath(raw: Raw, at: string, problems: RuleProblem[]): JsonPath | undefined | null {
  if (!Object.hasOwn(raw, 'path') || raw.path === undefined) return undefined;
  const where = join(at, 'path');
  if (typeof raw.path !== 'string') {
    problems.push(ruleProblem('RULE_INVALID_CONDITION', where, `'path' must be a string, got ${show(raw.path)}`));
    return null;
  }
  const path = parseJsonPath(raw.path);
  if (!path) {
    const message = `path '${raw.path}' is not supported: use $, .name and [index] steps only (e.g. $.plan.addons[0].id)`;
    problems.push(ruleProblem('RULE_UNSUPPORTED_PATH', where, message));
    return null;
  }
  return path;
}

/** A reason the literal can never be used by the operator (json-rules-engine would throw), following decorators. */
function literalProblem(operator: ResolvedOperator, literal: unknown): string | undefined {
  let values: unknown[] = [literal];
  const check = (name: string, accepts: ((v: unknown) => boolean) | undefined) => {
    if (!accepts) return undefined;
    const within = name === operator.name ? '' : ` (in '${operator.name}')`;
    for (const v of values) if (!accepts(v)) return `'${name}' cannot use ${show(v)} as its value${within}`;
    return undefined;
  };
  for (const decorator of operator.decorators) {
    const reason = check(decorator.name, decorator.compareValueValidator);
    if (reason) return reason;
    const flow = compareValueFlow(decorator);
    if (flow === 'elements') values = values.flatMap((v) => v as unknown[]);
    else if (flow !== 'same') return undefined;
  }
  return check(operator.base.name, operator.base.compareValueValidator);
}

function checkCommonKeys(raw: Raw, at: string, allowed: ReadonlySet<string>, problems: RuleProblem[]): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) {
      problems.push(ruleProblem('RULE_INVALID_CONDITION', join(at, key), `unknown property '${key}'`));
    }
  }
  if (Object.hasOwn(raw, 'name') && typeof raw.name !== 'string') {
    problems.push(
      ruleProblem('RULE_INVALID_CONDITION', join(at, 'name'), `'name' must be a string, got ${show(raw.name)}`),
    );
  }
  const priority = raw.priority;
  if (
    Object.hasOwn(raw, 'priority') &&
    !(typeof priority === 'number' && priority >= 1 && Number.isInteger(priority))
  ) {
    problems.push(
      ruleProblem(
        'RULE_INVALID_CONDITION',
        join(at, 'priority'),
        `'priority' must be an integer >= 1, got ${show(priority)}`,
      ),
    );
  }
}

function liftProblem(p: RuleProblem, name: string, where: string): RuleProblem {
  return {
    code: p.code,
    location: where,
    condition: p.condition ?? name,
    conditionLocation: p.condition ? p.conditionLocation : p.location,
    // Nested references read as a chain: in named condition 'a' -> 'b' at all[1].operator: ...
    message: p.condition
      ? p.message.replace("in named condition '", `in named condition '${name}' -> '`)
      : `in named condition '${name}' at ${p.location || '(root)'}: ${p.message}`,
  };
}

function lookup(source: CompileOptions['conditions'], name: string): { found: boolean; value?: unknown } {
  if (!source) return { found: false };
  if (source instanceof Map) return { found: source.has(name), value: source.get(name) };
  const record = source as Readonly<Record<string, unknown>>;
  return Object.hasOwn(record, name) ? { found: true, value: record[name] } : { found: false };
}

function isPlainObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

/** A short, readable rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
