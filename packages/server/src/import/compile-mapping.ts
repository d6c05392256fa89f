// Checks a parsed mapping file beyond its schema and compiles it: every problem with its path, or a ready mapping.
import type { ConfigProblem } from '@arbiter/engine';
import { validateFile } from '@arbiter/engine/config-files';
import { Value } from '@sinclair/typebox/value';
import { type Converted, type ConvertSpec, converter, isBlank } from './convert-value.js';
import type { mappingProblems } from './import-errors.js';
import {
  AttributeMapping,
  DEFAULT_FALSE_VALUES,
  DEFAULT_TRUE_VALUES,
  MappingFile,
  type MappingFile as MappingFileData,
} from './mapping-schema.js';

/** Where an attribute's raw value comes from. */
export type AttributeSource =
  | { kind: 'column'; column: string }
  | { kind: 'template'; template: string; parts: readonly (string | { column: string })[]; columns: readonly string[] }
  | { kind: 'value'; value: unknown };

/** One attribute, ready to map cells: its source, blank handling, lookup and converter. */
export interface CompiledAttribute {
  name: string;
  source: AttributeSource;
  required: boolean;
  /** Set when blanks take a default (possibly null); absent means a blank leaves the attribute out. */
  default?: { value: unknown };
  lookup?: { table: ReadonlyMap<string, unknown>; ignoreCase: boolean; keys: readonly string[] };
  convert: (raw: unknown) => Converted;
}

/** A validated, compiled mapping. */
export interface Mapping {
  file: string;
  attributes: readonly CompiledAttribute[];
  /** Every column some attribute reads, in first-use order. */
  columns: readonly string[];
  ignore: readonly string[];
  columnNames: 'exact' | 'case-insensitive';
  unknownColumns: 'warn' | 'reject';
  delimiter: string;
}

type MappingCode = keyof typeof mappingProblems;
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TYPE_OPTIONS: Record<string, readonly string[]> = {
  values: ['enum'],
  trueValues: ['boolean'],
  falseValues: ['boolean'],
  min: ['integer', 'number'],
  max: ['integer', 'number'],
  pattern: ['string'],
  format: ['date'],
  output: ['date'],
};

/**
 * Validates a parsed mapping file (schema, then meaning) and compiles it. `mapping` is set only without problems.
 * @example const { mapping, problems } = compileMapping('telco-churn.yaml', parsedYaml);
 */
export function compileMapping(file: string, data: unknown): { mapping?: Mapping; problems: ConfigProblem[] } {
  const { value: valid, partial, problems } = validateFile<MappingFileData>(MappingFile, file, data);
  const value = valid ?? usablePart(partial);
  if (!value) return { problems };
  const report = (path: string, code: MappingCode, message: string) => problems.push({ file, path, code, message });

  const ignore = value.ignore ?? [];
  const fold = value.columnNames === 'case-insensitive' ? (c: string) => c.toLowerCase() : (c: string) => c;
  const attributes: CompiledAttribute[] = [];
  const columns = new Map<string, string>();
  const readers = new Map<string, string>();

  const subscriberId = value.attributes.subscriberId;
  if (!subscriberId || (subscriberId.type ?? 'string') !== 'string' || subscriberId.value !== undefined)
    report('/attributes', 'MAPPING_NO_SUBSCRIBER_ID', 'attribute subscriberId is required, as a string from the file');

  for (const [name, spec] of Object.entries(value.attributes)) {
    const path = `/attributes/${escapePointer(name)}`;
    if (!NAME.test(name)) report(path, 'MAPPING_BAD_ATTRIBUTE_NAME', `"${name}" is not a plain identifier`);
    const attribute = compileAttribute(name, spec, path, value, report);
    if (!attribute) continue;
    if (name === 'subscriberId') attribute.required = true;
    attributes.push(attribute);
    const used =
      attribute.source.kind === 'column'
        ? [attribute.source.column]
        : attribute.source.kind === 'template'
          ? attribute.source.columns
          : [];
    for (const column of used) {
      if (!columns.has(fold(column))) columns.set(fold(column), column);
      readers.set(fold(column), path);
    }
  }
  ignore.forEach((column, i) => {
    const reader = readers.get(fold(column));
    if (reader)
      report(`/ignore/${i}`, 'MAPPING_IGNORED_COLUMN_USED', `column "${column}" is ignored but read by ${reader}`);
  });
  if (problems.length > 0) return { problems };
  return {
    mapping: {
      file,
      attributes,
      columns: [...columns.values()],
      ignore,
      columnNames: value.columnNames ?? 'exact',
      unknownColumns: value.unknownColumns ?? 'warn',
      delimiter: value.delimiter ?? ',',
    },
    problems,
  };
}

/**
 * The parts of a mapping with schema problems that the checks of meaning can still look at: attributes that pass
 * their own schema, top-level options that do (others fall back to their defaults), so one run reports everything.
 */
function usablePart(partial: unknown): MappingFileData | undefined {
  if (!partial || typeof partial !== 'object') return undefined;
  const data = partial as Record<string, unknown>;
  if (!data.attributes || typeof data.attributes !== 'object' || Array.isArray(data.attributes)) return undefined;
  const all = data.attributes as Record<string, unknown>;
  const attributes: MappingFileData['attributes'] = {};
  for (const [name, spec] of Object.entries(all)) {
    if (Value.Check(AttributeMapping, spec)) attributes[name] = spec;
    // A subscriberId with schema problems is reported there; it must not also be called missing.
    else if (name === 'subscriberId') attributes[name] = {};
  }
  const usable: MappingFileData = { attributes };
  for (const key of ['ignore', 'trueValues', 'falseValues'] as const) {
    const option = data[key];
    if (Array.isArray(option) && option.every((item) => typeof item === 'string' && item !== ''))
      usable[key] = option as string[];
  }
  return usable;
}

function compileAttribute(
  name: string,
  spec: AttributeMapping,
  path: string,
  file: MappingFileData,
  report: (path: string, code: MappingCode, message: string) => void,
): CompiledAttribute | undefined {
  const before = { count: 0 };
  const problem = (at: string, code: MappingCode, message: string) => {
    before.count += 1;
    report(at, code, message);
  };
  const sources = (['column', 'template', 'value'] as const).filter((key) => spec[key] !== undefined);
  if (sources.length > 1)
    problem(path, 'MAPPING_CONFLICTING_SOURCE', `${sources.join(' and ')} given: an attribute has one source`);
  if (spec.value !== undefined) {
    const extra = Object.keys(spec).filter((key) => key !== 'value');
    if (extra.length > 0)
      problem(path, 'MAPPING_CONFLICTING_SOURCE', `a constant value takes no ${extra.join(', ')}: nothing is read`);
  }

  const type = spec.type ?? 'string';
  for (const [option, types] of Object.entries(TYPE_OPTIONS)) {
    if (spec[option as keyof AttributeMapping] !== undefined && !types.includes(type))
      problem(
        `${path}/${option}`,
        'MAPPING_OPTION_FOR_OTHER_TYPE',
        `${option} applies to ${types.join(' and ')}, not ${type}`,
      );
  }
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max)
    problem(`${path}/min`, 'MAPPING_BAD_RANGE', `min ${spec.min} is greater than max ${spec.max}`);

  let pattern: RegExp | undefined;
  if (spec.pattern !== undefined) {
    try {
      pattern = new RegExp(spec.pattern, 'u');
    } catch (error) {
      problem(`${path}/pattern`, 'MAPPING_BAD_PATTERN', (error as Error).message);
    }
  }
  const trueValues = spec.trueValues ?? file.trueValues ?? DEFAULT_TRUE_VALUES;
  const falseValues = spec.falseValues ?? file.falseValues ?? DEFAULT_FALSE_VALUES;
  if (type === 'boolean') {
    const both = trueValues.filter((w) => falseValues.some((f) => f.toLowerCase() === w.toLowerCase()));
    if (both.length > 0)
      problem(`${path}/trueValues`, 'MAPPING_BAD_RANGE', `${both.join(', ')} listed as true and false`);
  }

  const ignoreCase = spec.ignoreCase ?? false;
  let values = spec.values;
  if (type === 'enum' && values === undefined) {
    const results = Object.values(spec.lookup ?? {}).filter((v): v is string => typeof v === 'string');
    values = [...new Set(results)];
    if (values.length === 0)
      problem(path, 'MAPPING_OPTION_FOR_OTHER_TYPE', 'an enum needs its values, or a lookup that gives them');
  }
  const convertSpec: ConvertSpec = {
    type,
    ignoreCase,
    trueValues,
    falseValues,
    format: spec.format ?? 'iso',
    output: spec.output ?? 'iso',
  };
  if (values !== undefined) convertSpec.values = values;
  if (spec.min !== undefined) convertSpec.min = spec.min;
  if (spec.max !== undefined) convertSpec.max = spec.max;
  if (pattern) convertSpec.pattern = pattern;
  const convert = converter(convertSpec);

  const source = compileSource(name, spec, path, problem);
  const attribute: CompiledAttribute = { name, source, required: spec.required ?? false, convert };

  if (spec.default !== undefined) {
    if (spec.required) problem(`${path}/default`, 'MAPPING_BAD_DEFAULT', 'a required attribute takes no default');
    const converted = spec.default === null ? { ok: true as const, value: null } : convert(spec.default);
    if (converted.ok) attribute.default = { value: converted.value };
    else problem(`${path}/default`, 'MAPPING_BAD_DEFAULT', `${JSON.stringify(spec.default)}: ${converted.problem}`);
  }
  if (spec.lookup !== undefined) {
    const table = new Map<string, unknown>();
    for (const [key, result] of Object.entries(spec.lookup)) {
      const at = `${path}/lookup/${escapePointer(key)}`;
      const folded = ignoreCase ? key.trim().toLowerCase() : key.trim();
      if (table.has(folded))
        problem(
          at,
          'MAPPING_BAD_LOOKUP',
          `"${key}" is listed twice (cells are trimmed${ignoreCase ? ', case ignored' : ''})`,
        );
      const converted =
        result === null ? { ok: true as const, value: null } : isBlank(result) ? undefined : convert(result);
      if (converted?.ok) table.set(folded, converted.value);
      else problem(at, 'MAPPING_BAD_LOOKUP', `${JSON.stringify(result)}: ${converted ? converted.problem : 'blank'}`);
    }
    attribute.lookup = { table, ignoreCase, keys: Object.keys(spec.lookup) };
  }
  return before.count === 0 ? attribute : undefined;
}

function compileSource(
  name: string,
  spec: AttributeMapping,
  path: string,
  problem: (path: string, code: MappingCode, message: string) => void,
): AttributeSource {
  if (spec.value !== undefined) return { kind: 'value', value: spec.value };
  if (spec.template === undefined) return { kind: 'column', column: spec.column ?? name };
  const parts: (string | { column: string })[] = [];
  const columns: string[] = [];
  let broken = false;
  for (const piece of spec.template.split(/(\{[^{}]*\})/)) {
    const column = piece.startsWith('{') && piece.endsWith('}') ? piece.slice(1, -1).trim() : undefined;
    if (column) {
      parts.push({ column });
      if (!columns.includes(column)) columns.push(column);
    } else if (piece.includes('{') || piece.includes('}')) broken = true;
    else if (piece !== '') parts.push(piece);
  }
  const why = broken
    ? `unbalanced or empty brace in "${spec.template}"`
    : columns.length === 0
      ? 'a template reads at least one {column}; use value for a constant'
      : undefined;
  if (why) problem(`${path}/template`, 'MAPPING_BAD_TEMPLATE', why);
  return { kind: 'template', template: spec.template, parts, columns };
}

/** JSON pointer segment escaping (RFC 6901), for names like `Bank transfer (automatic)` or `a/b`. */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
