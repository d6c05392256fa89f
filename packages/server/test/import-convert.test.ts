// Cell conversion: each type from CSV text and from JSON values, blanks and defaults, lookups, templates, constants.
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../src/import/index.js';
import { type MappedRow, rowMapper } from '../src/import/map-row.js';

/** Maps one row (column name to cell) through a mapping whose attributes are given as YAML lines. */
function mapper(attributes: string, extra = ''): (row: Record<string, unknown>) => MappedRow {
  const mapping = parseMapping('m.yaml', `${extra}\nattributes:\n  subscriberId: { column: id }\n${attributes}`);
  return rowMapper(mapping, (column) => (row: Record<string, unknown>) => row[column]);
}

const value = (map: (row: Record<string, unknown>) => MappedRow, cell: unknown, name = 'v') => {
  const result = map({ id: 'S1', c: cell });
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.reasons)}`);
  return result.profile[name];
};
const reason = (map: (row: Record<string, unknown>) => MappedRow, cell: unknown) => {
  const result = map({ id: 'S1', c: cell });
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.profile)}`);
  return result.reasons[0];
};

describe('type conversion', () => {
  it('integers: digits with a sign, from text or JSON; decimals, words and unsafe sizes are rejected', () => {
    const map = mapper('  v: { column: c, type: integer, min: -5, max: 100 }');
    expect(value(map, '42')).toBe(42);
    expect(value(map, ' -3 ')).toBe(-3);
    expect(value(map, 7)).toBe(7);
    for (const bad of ['4.5', '1e2', 'ten', '0x10', 4.5, true])
      expect(reason(map, bad)).toMatchObject({ code: 'NOT_AN_INTEGER', column: 'c', attribute: 'v', value: bad });
    expect(reason(map, '101')).toMatchObject({ code: 'OUT_OF_RANGE', problem: 'above the maximum 100' });
    expect(reason(map, '-6')).toMatchObject({ code: 'OUT_OF_RANGE', problem: 'below the minimum -5' });
  });

  it('numbers: a decimal point, exponents; thousands separators and decimal commas are rejected', () => {
    const map = mapper('  v: { column: c, type: number }');
    expect(value(map, '29.85')).toBe(29.85);
    expect(value(map, '.5')).toBe(0.5);
    expect(value(map, '1e3')).toBe(1000);
    expect(value(map, 19.7)).toBe(19.7);
    for (const bad of ['1,234.5', '29,85', 'NaN', 'Infinity', '12 EUR'])
      expect(reason(map, bad)).toMatchObject({ code: 'NOT_A_NUMBER', value: bad });
  });

  it('booleans: default words, any case; per-attribute and per-file words replace them', () => {
    const defaults = mapper('  v: { column: c, type: boolean }');
    for (const yes of ['Yes', 'TRUE', 'y', '1', true]) expect(value(defaults, yes)).toBe(true);
    for (const no of ['No', 'false', 'N', '0', false]) expect(value(defaults, no)).toBe(false);
    expect(reason(defaults, 'Maybe')).toMatchObject({
      code: 'NOT_A_BOOLEAN',
      problem: expect.stringMatching(/Yes|yes/),
    });

    const dutch = mapper('  v: { column: c, type: boolean, trueValues: [Ja, J], falseValues: [Nee] }');
    expect(value(dutch, 'ja')).toBe(true);
    expect(value(dutch, 'NEE')).toBe(false);
    expect(reason(dutch, 'Yes')).toMatchObject({ code: 'NOT_A_BOOLEAN', problem: 'expected Ja/J or Nee' });

    const fileWide = mapper('  v: { column: c, type: boolean }', 'trueValues: [X]\nfalseValues: ["-"]');
    expect(value(fileWide, 'x')).toBe(true);
    expect(value(fileWide, '-')).toBe(false);
  });

  it('enums: exact values, or any case with ignoreCase (giving the canonical spelling)', () => {
    const exact = mapper('  v: { column: c, type: enum, values: [fiber, dsl, none] }');
    expect(value(exact, 'dsl')).toBe('dsl');
    expect(reason(exact, 'DSL')).toMatchObject({ code: 'NOT_ALLOWED', problem: 'expected one of fiber, dsl, none' });
    const loose = mapper('  v: { column: c, type: enum, values: [fiber, dsl, none], ignoreCase: true }');
    expect(value(loose, 'DSL')).toBe('dsl');
  });

  it('lookups: a table from the cell to the value, typed; a cell not in the table is rejected', () => {
    const map = mapper(
      '  v: { column: c, type: enum, lookup: { Month-to-month: month-to-month, One year: one-year, Two year: two-year } }',
    );
    expect(value(map, 'One year')).toBe('one-year');
    expect(value(map, ' Two year ')).toBe('two-year');
    expect(reason(map, 'Three year')).toMatchObject({
      code: 'NOT_IN_LOOKUP',
      problem: 'expected one of Month-to-month, One year, Two year',
    });
    const booleans = mapper(
      '  v: { column: c, type: boolean, ignoreCase: true, lookup: { "yes": true, "no phone service": false } }',
    );
    expect(value(booleans, 'No phone service')).toBe(false);
    expect(value(booleans, 'YES')).toBe(true);
  });

  it('dates: ISO days and times, day- or month-first, epochs; impossible days rejected', () => {
    const iso = mapper('  v: { column: c, type: date }');
    expect(value(iso, '2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(value(iso, '2024-05-01T10:30:00+02:00')).toBe('2024-05-01T08:30:00.000Z');
    expect(value(iso, '2024-05-01 10:30+0200')).toBe('2024-05-01T08:30:00.000Z');
    expect(value(iso, '2024-05-01T10:30')).toBe('2024-05-01T10:30:00.000Z');
    for (const bad of ['2023-02-29', '2024-13-01', '01/05/2024', 'yesterday'])
      expect(reason(iso, bad)).toMatchObject({ code: 'NOT_A_DATE' });

    expect(value(mapper('  v: { column: c, type: date, format: DD/MM/YYYY, output: date }'), '31/01/2024')).toBe(
      '2024-01-31',
    );
    expect(value(mapper('  v: { column: c, type: date, format: MM/DD/YYYY, output: date }'), '1/31/2024')).toBe(
      '2024-01-31',
    );
    expect(reason(mapper('  v: { column: c, type: date, format: MM/DD/YYYY }'), '31/01/2024')).toMatchObject({
      code: 'NOT_A_DATE',
    });
    expect(value(mapper('  v: { column: c, type: date, format: epoch-s, output: epoch-ms }'), '1700000000')).toBe(
      1_700_000_000_000,
    );
  });

  it('strings: trimmed, optionally matched against a pattern; JSON: parsed from text, kept from JSON', () => {
    const text = mapper('  v: { column: c, pattern: "^\\\\+\\\\d{11}$" }');
    expect(value(text, ' +31612345678 ')).toBe('+31612345678');
    expect(reason(text, '0612345678')).toMatchObject({ code: 'PATTERN_MISMATCH' });
    const json = mapper('  v: { column: c, type: json }');
    expect(value(json, '{"sms":true}')).toEqual({ sms: true });
    expect(value(json, { sms: false })).toEqual({ sms: false });
    expect(reason(json, '{sms}')).toMatchObject({ code: 'NOT_JSON' });
    // Nested past 32 levels: refused before the parse (6,000 levels once passed, and crashed the summary's print).
    expect(value(json, `${'['.repeat(32)}${']'.repeat(32)}`)).toBeDefined();
    expect(reason(json, `${'['.repeat(6_000)}${']'.repeat(6_000)}`)).toMatchObject({ code: 'TOO_DEEP' });
  });
});

describe('blanks', () => {
  it('a blank or whitespace cell leaves an optional attribute out', () => {
    const map = mapper('  v: { column: c, type: number }');
    for (const blank of ['', '   ', null, undefined]) {
      const result = map({ id: 'S1', c: blank });
      expect(result).toEqual({ ok: true, profile: { subscriberId: 'S1' } });
    }
  });

  it('takes the default when one is given, null included', () => {
    expect(value(mapper('  v: { column: c, type: number, default: 0 }'), ' ')).toBe(0);
    expect(value(mapper('  v: { column: c, type: integer, default: null }'), '')).toBeNull();
    expect(value(mapper('  v: { column: c, type: boolean, default: "No" }'), '')).toBe(false);
  });

  it('rejects a blank required attribute, and a blank subscriberId always', () => {
    expect(reason(mapper('  v: { column: c, type: number, required: true }'), ' ')).toEqual({
      code: 'REQUIRED',
      problem: 'blank, and the attribute is required',
      column: 'c',
      attribute: 'v',
      value: ' ',
    });
    const result = mapper('  v: { column: c }')({ id: '  ', c: 'x' });
    expect(result).toMatchObject({
      ok: false,
      reasons: [{ code: 'REQUIRED', attribute: 'subscriberId', column: 'id' }],
    });
  });

  it('collects every problem of a row, not only the first', () => {
    const map = mapper('  a: { type: integer }\n  b: { type: boolean }\n  c: { type: number, required: true }');
    const result = map({ id: 'S1', a: 'x', b: 'maybe', c: '' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reasons.map((r) => `${r.column} ${r.code}`)).toEqual([
        'a NOT_AN_INTEGER',
        'b NOT_A_BOOLEAN',
        'c REQUIRED',
      ]);
  });
});

describe('derived values', () => {
  it('templates fill {column} placeholders with trimmed cells; a blank cell makes the whole value blank', () => {
    const map = mapper('  ref: { template: "CUST-{id}/{c}", required: true }');
    expect(map({ id: ' 7590-VHVEG ', c: 'NL' })).toMatchObject({ ok: true, profile: { ref: 'CUST-7590-VHVEG/NL' } });
    expect(map({ id: '7590-VHVEG', c: ' ' })).toMatchObject({
      ok: false,
      reasons: [{ code: 'REQUIRED', column: 'c', attribute: 'ref' }],
    });
  });

  it('a template result is converted to its type like a cell', () => {
    const map = mapper('  n: { template: "{c}00", type: integer }');
    expect(map({ id: 'S1', c: '12' })).toMatchObject({ ok: true, profile: { n: 1200 } });
  });

  it('constants are the same (frozen) value on every profile', () => {
    const map = mapper('  consent: { value: { sms: false, push: false } }\n  homeCountry: { value: US }');
    const a = map({ id: 'S1' });
    const b = map({ id: 'S2' });
    if (!a.ok || !b.ok) throw new Error('rejected');
    expect(a.profile).toEqual({ subscriberId: 'S1', consent: { sms: false, push: false }, homeCountry: 'US' });
    expect(b.profile.consent).toBe(a.profile.consent);
    expect(Object.isFrozen(a.profile.consent)).toBe(true);
  });

  it('renames: an attribute reads its own name as the column unless `column` says otherwise', () => {
    const map = mapper('  arpu: { column: MonthlyCharges, type: number }\n  tenure: { type: integer }');
    expect(map({ id: 'S1', MonthlyCharges: '29.85', tenure: '3' })).toEqual({
      ok: true,
      profile: { subscriberId: 'S1', arpu: 29.85, tenure: 3 },
    });
  });
});
