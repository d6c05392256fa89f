// Mapping files: the shipped ones load; a broken one reports every problem at once, each with its path and code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigProblem } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { loadMapping, mappingProblems, parseMapping } from '../src/import/index.js';

const MAPPINGS = fileURLToPath(new URL('../../../examples/mappings/', import.meta.url));

function problemsOf(text: string): ConfigProblem[] {
  try {
    parseMapping('m.yaml', text);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the mapping to be rejected');
}

const at = (problems: ConfigProblem[]) => problems.map((p) => `${p.path} ${p.code}`);

describe('mapping files', () => {
  it('loads the shipped IBM churn mapping: columns read, ignored columns, options', async () => {
    const mapping = await loadMapping(join(MAPPINGS, 'telco-churn.yaml'));
    expect(mapping.columnNames).toBe('case-insensitive');
    expect(mapping.columns).toEqual(
      expect.arrayContaining(['customerID', 'tenure', 'MonthlyCharges', 'TotalCharges', 'Contract', 'PaymentMethod']),
    );
    expect(mapping.ignore).toContain('gender');
    expect(mapping.attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(['subscriberId', 'tenureMonths', 'arpu', 'contract', 'paymentMethod', 'consent']),
    );
  });

  it('loads the shipped generated-population mapping, which covers every contract attribute', async () => {
    const mapping = await loadMapping(join(MAPPINGS, 'generated-population.yaml'));
    expect(mapping.attributes).toHaveLength(33);
    expect(mapping.unknownColumns).toBe('reject');
  });

  it('reports schema problems with their paths, and problems of meaning in the same pass', () => {
    const problems = problemsOf(`
attributes:
  subscriberId: { column: id, colum: typo }
  tenureMonths: { type: integr }
  arpu: { type: number, required: "yes" }
  plan: { type: string, values: [a, b] }
unknownColumns: maybe
`);
    expect(at(problems)).toEqual([
      '/unknownColumns CONFIG_SCHEMA',
      '/attributes/subscriberId/colum CONFIG_UNKNOWN_FIELD',
      '/attributes/tenureMonths/type CONFIG_SCHEMA',
      '/attributes/arpu/required CONFIG_SCHEMA',
      '/attributes/plan/values MAPPING_OPTION_FOR_OTHER_TYPE',
    ]);
    expect(problems.every((p) => p.file === 'm.yaml')).toBe(true);
    expect(problems[0]?.message).toBe('expected one of warn, reject, got "maybe"');
    expect(problems[2]?.message).toBe(
      'expected one of string, integer, number, boolean, enum, date, json, got "integr"',
    );
  });

  it('reports every problem of meaning at once, each at its path', () => {
    const problems = problemsOf(`
attributes:
  subscriberId: { column: id }
  tenure months: { column: tenure, type: integer }
  arpu: { column: MonthlyCharges, template: "{MonthlyCharges}", type: number }
  plan: { type: string, values: [a, b] }
  contract: { type: enum }
  total: { type: number, min: 10, max: 1 }
  charges: { type: number, required: true, default: 0 }
  fee: { type: number, default: "free" }
  method: { type: enum, values: [direct-debit], lookup: { Cheque: cheque } }
  ref: { template: "REF-{ }" }
  constant: { template: "CUST" }
  msisdn: { pattern: "([" }
  flag: { type: boolean, trueValues: [Y, J], falseValues: [N, j] }
  fixed: { value: 1, type: integer }
ignore: [tenure]
`);
    expect(at(problems)).toEqual([
      '/attributes/tenure months MAPPING_BAD_ATTRIBUTE_NAME',
      '/attributes/arpu MAPPING_CONFLICTING_SOURCE',
      '/attributes/plan/values MAPPING_OPTION_FOR_OTHER_TYPE',
      '/attributes/contract MAPPING_OPTION_FOR_OTHER_TYPE',
      '/attributes/total/min MAPPING_BAD_RANGE',
      '/attributes/charges/default MAPPING_BAD_DEFAULT',
      '/attributes/fee/default MAPPING_BAD_DEFAULT',
      '/attributes/method/lookup/Cheque MAPPING_BAD_LOOKUP',
      '/attributes/ref/template MAPPING_BAD_TEMPLATE',
      '/attributes/constant/template MAPPING_BAD_TEMPLATE',
      '/attributes/msisdn/pattern MAPPING_BAD_PATTERN',
      '/attributes/flag/trueValues MAPPING_BAD_RANGE',
      '/attributes/fixed MAPPING_CONFLICTING_SOURCE',
      '/ignore/0 MAPPING_IGNORED_COLUMN_USED',
    ]);
    const byPath = new Map(problems.map((p) => [p.path, p.message]));
    expect(byPath.get('/attributes/fee/default')).toMatch(/"free": expected a number/);
    expect(byPath.get('/attributes/method/lookup/Cheque')).toMatch(/"cheque": expected one of direct-debit/);
    expect(byPath.get('/ignore/0')).toMatch(/"tenure" is ignored but read by \/attributes\/tenure months/);
  });

  it('requires a subscriberId read from the file', () => {
    expect(at(problemsOf('attributes: { arpu: { type: number } }'))).toEqual(['/attributes MAPPING_NO_SUBSCRIBER_ID']);
    expect(at(problemsOf('attributes: { subscriberId: { value: "X" } }'))).toEqual([
      '/attributes MAPPING_NO_SUBSCRIBER_ID',
    ]);
    expect(at(problemsOf('attributes: { subscriberId: { type: integer } }'))).toEqual([
      '/attributes MAPPING_NO_SUBSCRIBER_ID',
    ]);
  });

  it('escapes attribute and lookup names in paths (RFC 6901)', () => {
    const problems = problemsOf(`
attributes:
  subscriberId: {}
  pay: { type: enum, values: [dd], lookup: { "Bank/transfer": bank } }
`);
    expect(at(problems)).toEqual(['/attributes/pay/lookup/Bank~1transfer MAPPING_BAD_LOOKUP']);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const problems = problemsOf('attributes:\n  subscriberId: {}\n  subscriberId: {}\n');
    expect(problems[0]).toMatchObject({ code: 'CONFIG_PARSE', message: expect.stringMatching(/^line 3/) });
  });

  it('reports a missing mapping file as a problem, not a crash', async () => {
    const error = await loadMapping('/nonexistent/mapping.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatchObject({ file: 'mapping.yaml', code: 'MAPPING_FILE_MISSING' });
  });

  it('reads JSON mapping files as well', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbiter-mapping-'));
    try {
      const file = join(dir, 'm.json');
      await writeFile(file, JSON.stringify({ attributes: { subscriberId: { column: 'id' } }, ignore: ['x'] }));
      const mapping = await loadMapping(file);
      expect(mapping.columns).toEqual(['id']);
      expect(mapping.unknownColumns).toBe('warn');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('documents every code it can report', () => {
    const problems = problemsOf(`
attributes:
  subscriberId: { column: id }
  a: { type: integer, values: [x] }
`);
    for (const p of problems) expect(Object.keys(mappingProblems)).toContain(p.code);
  });
});
