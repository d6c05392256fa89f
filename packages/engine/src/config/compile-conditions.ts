// Compiles the eligibility conditions of a config (per action, issue and group), turning rule errors into problems.
import { type CompiledRule, compileRule, type Operator, RuleCompileError } from '../rules/index.js';
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
  return {
    compile(condition, file, at) {
      try {
        return compileRule(condition, { conditions: named, operators });
      } catch (error) {
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
