// Turns one cell (CSV text, or a JSON value from a JSONL line) into a typed attribute value, or says why not.
import { nestedDeeperThan } from '../http/json-body.js';
import type { RowReasonCode } from './import-errors.js';
import type { AttributeType, DateFormat, DateOutput } from './mapping-schema.js';

/** The deepest a JSON value in an import may nest (a profile's stores and decisions walk it by recursion). */
export const MAX_JSON_DEPTH = 32;

/** A converted value, or the reason code and a short description of why the cell does not convert. */
export type Converted = { ok: true; value: unknown } | { ok: false; code: RowReasonCode; problem: string };

/** The options of one attribute that its type's conversion uses (validated when the mapping loads). */
export interface ConvertSpec {
  type: AttributeType;
  values?: readonly string[];
  ignoreCase: boolean;
  trueValues: readonly string[];
  falseValues: readonly string[];
  min?: number;
  max?: number;
  pattern?: RegExp;
  format: DateFormat;
  output: DateOutput;
}

/** A cell counts as blank when it is missing, null, or only whitespace. */
export function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const fail = (code: RowReasonCode, problem: string): Converted => ({ ok: false, code, problem });

/** Builds the converter of one attribute; it is called with non-blank cells only. */
export function converter(spec: ConvertSpec): (raw: unknown) => Converted {
  switch (spec.type) {
    case 'string':
      return (raw) => {
        if (typeof raw === 'object') return fail('NOT_A_STRING', 'expected text');
        const text = String(raw).trim();
        if (spec.pattern && !spec.pattern.test(text)) return fail('PATTERN_MISMATCH', `does not match ${spec.pattern}`);
        return { ok: true, value: text };
      };
    case 'integer':
    case 'number':
      return numberConverter(spec);
    case 'boolean': {
      const yes = new Set(spec.trueValues.map((w) => w.toLowerCase()));
      const no = new Set(spec.falseValues.map((w) => w.toLowerCase()));
      const words = `${spec.trueValues.join('/')} or ${spec.falseValues.join('/')}`;
      return (raw) => {
        if (typeof raw === 'boolean') return { ok: true, value: raw };
        if (typeof raw === 'object') return fail('NOT_A_BOOLEAN', `expected ${words}`);
        const word = String(raw).trim().toLowerCase();
        if (yes.has(word)) return { ok: true, value: true };
        if (no.has(word)) return { ok: true, value: false };
        return fail('NOT_A_BOOLEAN', `expected ${words}`);
      };
    }
    case 'enum': {
      const allowed = new Map((spec.values ?? []).map((v) => [spec.ignoreCase ? v.toLowerCase() : v, v]));
      const listed = shortList(spec.values ?? []);
      return (raw) => {
        if (typeof raw === 'object') return fail('NOT_ALLOWED', `expected one of ${listed}`);
        const text = String(raw).trim();
        const value = allowed.get(spec.ignoreCase ? text.toLowerCase() : text);
        return value === undefined ? fail('NOT_ALLOWED', `expected one of ${listed}`) : { ok: true, value };
      };
    }
    case 'date':
      return (raw) => convertDate(raw, spec.format, spec.output);
    case 'json':
      return (raw) => {
        if (typeof raw !== 'string') return { ok: true, value: raw }; // a JSONL value: its line was depth-checked
        if (nestedDeeperThan(raw, MAX_JSON_DEPTH))
          return fail('TOO_DEEP', `nested deeper than ${MAX_JSON_DEPTH} levels`);
        try {
          return { ok: true, value: JSON.parse(raw) };
        } catch (error) {
          return fail('NOT_JSON', (error as Error).message);
        }
      };
  }
}

function numberConverter(spec: ConvertSpec): (raw: unknown) => Converted {
  const integer = spec.type === 'integer';
  const code: RowReasonCode = integer ? 'NOT_AN_INTEGER' : 'NOT_A_NUMBER';
  const expected = integer ? 'expected a whole number' : 'expected a number';
  return (raw) => {
    let value: number;
    if (typeof raw === 'number') value = raw;
    else if (typeof raw === 'string' && (integer ? INTEGER : DECIMAL).test(raw.trim())) value = Number(raw.trim());
    else return fail(code, expected);
    if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) return fail(code, expected);
    if (spec.min !== undefined && value < spec.min) return fail('OUT_OF_RANGE', `below the minimum ${spec.min}`);
    if (spec.max !== undefined && value > spec.max) return fail('OUT_OF_RANGE', `above the maximum ${spec.max}`);
    return { ok: true, value };
  };
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Parses a date cell strictly (a real calendar day, no Feb 30); a time without a zone is taken as UTC. */
function convertDate(raw: unknown, format: DateFormat, output: DateOutput): Converted {
  const bad = fail('NOT_A_DATE', `expected a ${format} date`);
  if (typeof raw === 'object' || typeof raw === 'boolean') return bad;
  const text = String(raw).trim();
  let ms: number;
  if (format === 'epoch-s' || format === 'epoch-ms') {
    if (typeof raw !== 'number' && !DECIMAL.test(text)) return bad;
    ms = Number(text) * (format === 'epoch-s' ? 1000 : 1);
  } else if (format === 'iso') {
    const day = ISO_DAY.exec(text);
    const time = day ? undefined : ISO_TIME.exec(text);
    const parts = day ?? time;
    if (!parts || !realDay(Number(parts[1]), Number(parts[2]), Number(parts[3]))) return bad;
    ms = Date.parse(day ? `${text}T00:00:00Z` : normalizeIsoTime(text, time?.[7]));
  } else {
    const parts = SLASHED.exec(text);
    if (!parts) return bad;
    const [first, second, year] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    const [month, dayOfMonth] = format === 'DD/MM/YYYY' ? [second, first] : [first, second];
    if (!realDay(year, month, dayOfMonth)) return bad;
    ms = Date.UTC(year, month - 1, dayOfMonth);
  }
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) return bad;
  if (output === 'epoch-ms') return { ok: true, value: ms };
  const iso = new Date(ms).toISOString();
  return { ok: true, value: output === 'date' ? iso.slice(0, 10) : iso };
}

/** `2024-05-01 10:00+0200` as Date.parse reads it everywhere: a `T`, a zone with a colon, UTC when none is given. */
function normalizeIsoTime(text: string, zone: string | undefined): string {
  const local = text.slice(0, text.length - (zone?.length ?? 0)).replace(' ', 'T');
  if (zone === undefined) return `${local}Z`;
  return zone === 'Z' || zone.includes(':') ? `${local}${zone}` : `${local}${zone.slice(0, 3)}:${zone.slice(3)}`;
}

function realDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A list for a message, cut short so a 200-value enum does not flood the rejects file. */
export function shortList(values: readonly string[], max = 8): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown}, ... (${values.length} in all)` : shown;
}
