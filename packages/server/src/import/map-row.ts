// Maps one input row to a profile through a compiled mapping, collecting every problem rather than the first.
import type { Profile } from '@arbiter/engine';
import type { CompiledAttribute, Mapping } from './compile-mapping.js';
import { isBlank, shortList } from './convert-value.js';
import type { RowReasonCode } from './import-errors.js';

/** Why a row (or one of its cells) was rejected. `column` and `value` are absent for whole-line problems. */
export interface RowReason {
  code: RowReasonCode;
  problem: string;
  column?: string;
  attribute?: string;
  value?: unknown;
}

export type MappedRow = { ok: true; profile: Profile } | { ok: false; reasons: RowReason[] };

/** How a format reads a column of its rows: CSV by index into the fields, JSONL by key. */
export type CellReader<Row> = (column: string) => (row: Row) => unknown;

/** The column's name as the file spells it, for reasons (a mapping may match columns case-insensitively). */
export type Spelling = (column: string) => string;

/**
 * Binds a mapping to a row shape once (columns to positions), returning the per-row function.
 * @example const map = rowMapper(mapping, (column) => (fields: string[]) => fields[header.indexOf(column)]);
 */
export function rowMapper<Row>(
  mapping: Mapping,
  cell: CellReader<Row>,
  spelling: Spelling = (column) => column,
): (row: Row) => MappedRow {
  const steps = mapping.attributes.map((attribute) => attributeStep(attribute, cell, spelling));
  return (row) => {
    const profile: Record<string, unknown> = {};
    const reasons: RowReason[] = [];
    for (const step of steps) step(row, profile, reasons);
    return reasons.length > 0 ? { ok: false, reasons } : { ok: true, profile: profile as Profile };
  };
}

type Step<Row> = (row: Row, profile: Record<string, unknown>, reasons: RowReason[]) => void;

function attributeStep<Row>(attribute: CompiledAttribute, cell: CellReader<Row>, spelling: Spelling): Step<Row> {
  const { name, source } = attribute;
  if (source.kind === 'value') {
    const constant = deepFreeze(source.value);
    return (_row, profile) => {
      profile[name] = constant;
    };
  }
  const read =
    source.kind === 'column' ? columnRead(source.column, cell, spelling) : templateRead(source.parts, cell, spelling);
  const finish = finishValue(attribute);
  return (row, profile, reasons) => {
    const { raw, column } = read(row);
    const result = finish(raw);
    if (result === undefined) return;
    if ('value' in result) profile[name] = result.value;
    else reasons.push({ code: result.code, problem: result.problem, column, attribute: name, value: raw ?? null });
  };
}

type Read<Row> = (row: Row) => { raw: unknown; column: string };

function columnRead<Row>(column: string, cell: CellReader<Row>, spelling: Spelling): Read<Row> {
  const get = cell(column);
  const name = spelling(column);
  return (row) => ({ raw: get(row), column: name });
}

/** A template is blank when any cell it reads is blank, so `CUST-` never becomes an id. */
function templateRead<Row>(
  parts: readonly (string | { column: string })[],
  cell: CellReader<Row>,
  spelling: Spelling,
): Read<Row> {
  const pieces = parts.map((part) =>
    typeof part === 'string' ? part : { column: spelling(part.column), get: cell(part.column) },
  );
  const columns = pieces.flatMap((piece) => (typeof piece === 'string' ? [] : [piece.column])).join(', ');
  return (row) => {
    let text = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        text += piece;
        continue;
      }
      const raw = piece.get(row);
      if (isBlank(raw)) return { raw, column: piece.column };
      text += typeof raw === 'string' ? raw.trim() : JSON.stringify(raw);
    }
    return { raw: text, column: columns };
  };
}

type Finished = { value: unknown } | { code: RowReasonCode; problem: string } | undefined;

/** Blanks (default, required or left out), then the lookup, then the type conversion. */
function finishValue(attribute: CompiledAttribute): (raw: unknown) => Finished {
  const { lookup, convert } = attribute;
  const expected = lookup ? `expected one of ${shortList(lookup.keys)}` : '';
  return (raw) => {
    if (isBlank(raw)) {
      if (attribute.default) return { value: attribute.default.value };
      return attribute.required ? { code: 'REQUIRED', problem: 'blank, and the attribute is required' } : undefined;
    }
    if (lookup) {
      if (typeof raw === 'object') return { code: 'NOT_IN_LOOKUP', problem: expected };
      const key = String(raw).trim();
      const folded = lookup.ignoreCase ? key.toLowerCase() : key;
      return lookup.table.has(folded)
        ? { value: lookup.table.get(folded) }
        : { code: 'NOT_IN_LOOKUP', problem: expected };
    }
    const converted = convert(raw);
    return converted.ok ? { value: converted.value } : { code: converted.code, problem: converted.problem };
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
