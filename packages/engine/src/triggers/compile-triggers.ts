// Checks and compiles the triggers file against the policy's channels: ids, durations, outbound channels, conditions.
import { checkSendTarget, type SendTargetContext } from '../config/check-references.js';
import type { ConfigProblem } from '../config/config-problem.js';
import { pointer } from '../config/validate-file.js';
import { parseDuration } from '../policy/index.js';
import type { CompiledRule } from '../rules/index.js';
import type { TriggerSpec, TriggersFile } from './triggers-schema.js';

export interface CompiledTrigger {
  readonly id: string;
  readonly spec: Readonly<TriggerSpec>;
  readonly events: ReadonlySet<string>;
  readonly rule: CompiledRule | undefined;
  readonly debounceMs: number;
}

/** Compiles each trigger; problems go into `problems` with the file and the path inside it. */
export function compileTriggers(
  file: TriggersFile,
  source: string,
  ctx: {
    channels: SendTargetContext['channels'];
    /** Known names for `scope`; a set left undefined (its file is broken) is not checked. */
    known?: SendTargetContext['known'];
    compile: (condition: unknown, at: string) => CompiledRule | undefined;
  },
  problems: ConfigProblem[],
): CompiledTrigger[] {
  const seen = new Set<string>();
  const triggers: CompiledTrigger[] = [];
  file.triggers.forEach((spec, i) => {
    const add = (field: string, code: string, message: string) =>
      problems.push({ file: source, path: pointer('triggers', i, field), code, message });
    if (seen.has(spec.id)) add('id', 'CONFIG_DUPLICATE_ID', `duplicate trigger id "${spec.id}"`);
    seen.add(spec.id);
    const debounceMs = parseDuration(spec.debounce);
    if (debounceMs === undefined)
      add(
        'debounce',
        'CONFIG_INVALID_VALUE',
        `debounce "${spec.debounce}" is not a duration like 1h or 30m (at most 100 years)`,
      );
    problems.push(
      ...checkSendTarget(
        spec,
        { file: source, list: 'triggers', i },
        { channels: ctx.channels, known: ctx.known ?? {} },
      ),
    );
    const rule =
      spec.condition === undefined ? undefined : ctx.compile(spec.condition, pointer('triggers', i, 'condition'));
    triggers.push(
      Object.freeze({
        id: spec.id,
        spec,
        events: new Set(Array.isArray(spec.event) ? spec.event : [spec.event]),
        rule,
        debounceMs: debounceMs ?? 0,
      }),
    );
  });
  return triggers;
}
