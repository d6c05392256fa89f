// Compiles the eligibility conditions of a config (per action, issue and group), turning rule errors into problems.
import {
  type CompiledRule,
  createRuleCompiler,
  type Operator,
  RuleCompileError,
  type RuleCompiler,
} from '../rules/index.js';
import type { ConfigProblem } from './config-problem.js';

export interface ConditionCompiler {
  /** The compiled rule, or undefined (with problems recorded) when the condition is broken. */
  compile(condition: unknown, file: string, at: string): CompiledRule | undefined;
}

/** A compiler bound to the named conditions and custom operators of one config load. */
export function conditionCompiler(
  named: Record<string, unknown>,
  operators: readonly Operator[],
  problems: ConfigProblem[],
): ConditionCompiler {
  // One compiler for the whole load, so a named condition is parsed once however many rules refer to it. Its code is
  // still generated into each rule that refers to it: 300 references to a 1,000-leaf condition take about 3.6 s.
  // Made on first use, inside the try: a malformed custom operator makes creating it throw, and that is reported at
  // every condition, as when each condition had a compiler of its own.
  let compiler: RuleCompiler | undefined;
  return {
    compile(condition, file, at) {
      try {
        compiler ??= createRuleCompiler({ conditions: named, operators });
        return compiler.compileRule(condition);
      } catch (error) {
        if (error instanceof RangeError) {
          // The parser and the generated code recurse: a chain of thousands of named conditions or `not:`s.
          const message = `the condition nests too deep to compile (${error.message})`;
          problems.push({ file, path: at, code: 'RULE_INVALID_CONDITION', message });
          // The overflow left the parser mid-resolution (it would see a cycle that is not there): start afresh.
          compiler = undefined;
          return undefined;
        }
        if (!(error instanceof RuleCompileError)) throw error;
        for (const p of error.problems) {
          problems.push({ file, path: at + locationToPointer(p.location), code: p.code, message: p.message });
        }
        return undefined;
      }
    },
  };
}

/** `all[2].any[0].operator` -> `/all/2/any/0/operator`. */
export function locationToPointer(location: string): string {
  if (!location) return '';
  return `/${location
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .join('/')}`;
}
