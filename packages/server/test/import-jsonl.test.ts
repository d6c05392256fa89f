// JSONL import: a generated population round-trips through its mapping; bad lines and unknown fields are rejects.
import { fileURLToPath } from 'node:url';
import { generatePopulation, InMemoryProfileStore } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import {
  importProfiles,
  loadMapping,
  type Mapping,
  memoryRejects,
  memorySource,
  parseMapping,
} from '../src/import/index.js';

const POPULATION_MAPPING = fileURLToPath(
  new URL('../../../examples/mappings/generated-population.yaml', import.meta.url),
);

async function run(
  text: string,
  mapping: Mapping,
  options: { unknownColumns?: 'warn' | 'reject'; maxRecordBytes?: number } = {},
) {
  const store = new InMemoryProfileStore();
  const rejects = memoryRejects();
  const summary = await importProfiles({
    source: memorySource(text, 'profiles.jsonl', 4096),
    format: 'jsonl',
    mapping,
    store,
    rejects,
    ...options,
  });
  expect(summary.valid + summary.invalid).toBe(summary.rows);
  return { summary, store, rejects: rejects.rows };
}

describe('JSONL import', () => {
  it('round-trips what `arbiter generate` writes: every profile back, equal', async () => {
    const population = [...generatePopulation({ seed: 11, count: 500 })];
    const text = population.map((p) => JSON.stringify(p)).join('\n');
    const { summary, store } = await run(text, await loadMapping(POPULATION_MAPPING));
    expect(summary).toMatchObject({ rows: 500, valid: 500, invalid: 0, unknownColumns: [] });
    for (const profile of population) expect(store.get(profile.subscriberId)).toEqual(profile);
  });

  it('rejects a line nested deeper than 32 levels below the row, and keeps going', async () => {
    const mapping = parseMapping('m.yaml', 'attributes:\n  subscriberId: { column: id }\n  extra: { type: json }');
    const deep = (levels: number) => `{"id":"D${levels}","extra":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const { summary, store, rejects } = await run([deep(32), deep(33), deep(6_000)].join('\n'), mapping, {
      maxRecordBytes: 65_536,
    });
    expect(summary).toMatchObject({ rows: 3, valid: 1, invalid: 2 });
    expect(rejects.map((r) => [r.line, r.reasons[0]?.code])).toEqual([
      [2, 'TOO_DEEP'],
      [3, 'TOO_DEEP'],
    ]);
    expect(store.get('D32')).toBeDefined();
  });

  it('rejects broken lines with the reason and the raw text; counts blank lines apart', async () => {
    const mapping = parseMapping('m.yaml', 'attributes:\n  subscriberId: { column: id }\n  arpu: { type: number }');
    const lines = [
      '{"id":"A","arpu":12.5}', // 1
      '{"id":"B","arpu":', // 2: cut off
      '', // 3: blank
      '["C", 3]', // 4: an array
      '42', // 5: a number
      '{"id":"D","arpu":"cheap"}', // 6: a bad value
      '   ', // 7: blank
      '{"id":"E","arpu":"7.25"}', // 8: a number as text is fine
      '{"arpu":1}', // 9: no id
    ];
    const { summary, store, rejects } = await run(`\uFEFF${lines.join('\r\n')}\r\n`, mapping);
    expect(summary).toMatchObject({ rows: 7, valid: 2, invalid: 5, blankLines: 2 });
    expect(rejects.map((r) => [r.line, r.reasons[0]?.code])).toEqual([
      [2, 'INVALID_JSON'],
      [4, 'NOT_AN_OBJECT'],
      [5, 'NOT_AN_OBJECT'],
      [6, 'NOT_A_NUMBER'],
      [9, 'REQUIRED'],
    ]);
    expect(rejects[0]?.raw).toBe('{"id":"B","arpu":');
    expect(rejects[3]).toMatchObject({
      row: { id: 'D', arpu: 'cheap' },
      reasons: [{ column: 'arpu', value: 'cheap' }],
    });
    expect(store.get('A')).toEqual({ subscriberId: 'A', arpu: 12.5 });
    expect(store.get('E')).toEqual({ subscriberId: 'E', arpu: 7.25 });
  });

  it('lists unknown fields by default; with reject, each one is a reason on its row', async () => {
    const mapping = parseMapping('m.yaml', 'attributes:\n  subscriberId: { column: id }\nignore: [source]');
    const text = '{"id":"A","source":"crm","gender":"F"}\n{"id":"B","Gender":"M","age":40}\n{"id":"C"}\n';
    const warned = await run(text, mapping);
    expect(warned.summary).toMatchObject({ valid: 3, unknownColumns: ['gender', 'Gender', 'age'] });

    const strict = await run(text, mapping, { unknownColumns: 'reject' });
    expect(strict.summary).toMatchObject({ valid: 1, invalid: 2 });
    expect(strict.rejects[1]?.reasons).toEqual([
      {
        code: 'UNKNOWN_COLUMN',
        problem: 'a field the mapping neither reads nor ignores',
        column: 'Gender',
        value: 'M',
      },
      { code: 'UNKNOWN_COLUMN', problem: 'a field the mapping neither reads nor ignores', column: 'age', value: 40 },
    ]);
  });

  it('matches field names case-insensitively when the mapping says so', async () => {
    const mapping = parseMapping(
      'm.yaml',
      'columnNames: case-insensitive\nattributes:\n  subscriberId: { column: customerID }\n  tenure: { type: integer }',
    );
    const { store } = await run('{"CUSTOMERID":"A","Tenure":3}\n', mapping);
    expect(store.get('A')).toEqual({ subscriberId: 'A', tenure: 3 });
  });

  it('rejects a line over the size limit without holding it, and reads on', async () => {
    const mapping = parseMapping('m.yaml', 'attributes:\n  subscriberId: { column: id }\n  note: {}');
    const long = JSON.stringify({ id: 'L', note: 'x'.repeat(50_000) });
    const { summary, rejects } = await run(`{"id":"A"}\n${long}\n{"id":"B"}`, mapping, { maxRecordBytes: 1000 });
    expect(summary).toMatchObject({ rows: 3, valid: 2, invalid: 1 });
    expect(rejects[0]).toMatchObject({ line: 2, reasons: [{ code: 'LINE_TOO_LONG' }] });
    expect(rejects[0]?.raw.length).toBeLessThanOrEqual(200);
  });
});
