// Checks one parsed analyst file against its schema: applies defaults, collects every problem with its path.
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConfigProblem } from './config-problem.js';

/**
 * The file's content with defaults applied (a copy), and every schema problem found, one per path.
 * `value` is set only when there is no problem; `partial` always, for checks that can go on around the problems.
 */
export function validateFile<T>(
  schema: TSchema,
  file: string,
  data: unknown,
): { value: T | undefined; partial: T; problems: ConfigProblem[] } {
  const value = Value.Default(schema, structuredClone(data ?? {}));
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    // TypeBox reports a missing property twice (required, then its type): the first says it best.
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const code = error.message.startsWith('Unexpected property') ? 'CONFIG_UNKNOWN_FIELD' : 'CONFIG_SCHEMA';
    problems.push({ file, path: error.path, code, message: describe(error.message, error.value, error.schema) });
  }
  return { value: problems.length === 0 ? (value as T) : undefined, partial: value as T, problems };
}

function describe(message: string, actual: unknown, schema: TSchema): string {
  if (message.startsWith('Unexpected property') || message.startsWith('Expected required'))
    return message.toLowerCase();
  // A union of literals (`kind: offer | care | message`) reads better as the list of words it accepts.
  const words = (schema.anyOf as TSchema[] | undefined)?.map((option) => option.const);
  if (words?.every((word) => typeof word === 'string')) message = `expected one of ${words.join(', ')}`;
  const shown = JSON.stringify(actual);
  return `${message.toLowerCase()}, got ${shown === undefined ? 'nothing' : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`;
}

/** Deep-freezes a validated config object so nothing can change it after load. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** JSON pointer segment escaping (RFC 6901), for paths that contain names like `Roaming passes`. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
