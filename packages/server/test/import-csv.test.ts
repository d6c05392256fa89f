// CSV import: the shipped churn sample, blanks, rejects with every reason, broken lines, header checks, the store.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InMemoryProfileStore, type Profile, type ProfileStore } from '@arbiter/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ByteSource,
  fileSource,
  ImportError,
  type ImportSummary,
  importProfiles,
  type Mapping,
  memoryRejects,
  memorySource,
  parseMapping,
} from '../src/import/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/churn-sample.csv', import.meta.url));
const MAPPING = fileURLToPath(new URL('../../../examples/mappings/telco-churn.yaml', import.meta.url));

let mappingText: string;
let churn: Mapping;
/** The shipped mapping with TotalCharges required instead of defaulted, so the blank cells become rejects. */
let strict: Mapping;
let fixtureText: string;
let fixtureLines: string[];

beforeAll(async () => {
  mappingText = await readFile(MAPPING, 'utf8');
  churn = parseMapping('telco-churn.yaml', mappingText);
  strict = parseMapping('strict.yaml', mappingText.replace('min: 0, default: 0', 'min: 0, required: true'));
  fixtureText = await readFile(FIXTURE, 'utf8');
  fixtureLines = fixtureText.split(/\r\n/).filter((line) => line !== '');
});

async function run(source: ByteSource, mapping: Mapping, extra: { store?: ProfileStore; concurrency?: number } = {}) {
  const store = extra.store ?? new InMemoryProfileStore();
  const rejects = memoryRejects();
  const summary = await importProfiles({
    source,
    format: 'csv',
    mapping,
    store,
    rejects,
    ...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
  });
  return { summary, store, rejects: rejects.rows };
}

const addsUp = (summary: ImportSummary) => expect(summary.valid + summary.invalid).toBe(summary.rows);

describe('importing the IBM churn sample fixture', () => {
  it('imports all 40 rows with the shipped mapping, blank TotalCharges taken as 0', async () => {
    const { summary, store, rejects } = await run(await fileSource(FIXTURE), churn);
    expect(summary).toMatchObject({ rows: 40, valid: 40, invalid: 0, blankLines: 0, unknownColumns: [] });
    expect(rejects).toEqual([]);
    const memory = store as InMemoryProfileStore;
    expect(memory.size).toBe(40);
    expect(memory.get('CUST-7590-VHVEG')).toEqual({
      subscriberId: 'CUST-7590-VHVEG',
      planType: 'postpaid',
      contract: 'month-to-month',
      tenureMonths: 1,
      arpu: 29.85,
      totalCharges: 29.85,
      paymentMethod: 'electronic-check',
      paperlessBilling: true,
      churned: false,
      seniorCitizen: false,
      segment: 'consumer',
      partner: true,
      dependents: false,
      internetService: 'dsl',
      phoneService: false,
      multipleLines: false,
      streamingTv: false,
      streamingMovies: false,
      homeCountry: 'US',
      timeZone: 'America/Los_Angeles',
      language: 'en',
      consent: { marketing: false, sms: false, email: false, push: false },
    });
    expect(memory.get('CUST-4472-LVYGI')).toMatchObject({ tenureMonths: 0, totalCharges: 0, contract: 'two-year' });
  });

  it('rejects the 11 blank TotalCharges rows when the mapping requires it, each with line, row and reason', async () => {
    const { summary, store, rejects } = await run(await fileSource(FIXTURE), strict);
    expect(summary).toMatchObject({ rows: 40, valid: 29, invalid: 11 });
    addsUp(summary);
    expect(summary.reasons).toEqual([{ code: 'REQUIRED', column: 'TotalCharges', count: 11 }]);
    expect((store as InMemoryProfileStore).size).toBe(29);
    expect(rejects.map((r) => r.line)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
    for (const reject of rejects) {
      expect(reject.reasons).toEqual([
        {
          code: 'REQUIRED',
          problem: 'blank, and the attribute is required',
          column: 'TotalCharges',
          attribute: 'totalCharges',
          value: ' ',
        },
      ]);
      expect(reject.raw).toBe(fixtureLines[reject.line - 1]);
      expect(reject.row).toMatchObject({ Tenure: '0', TotalCharges: ' ' });
    }
    expect(rejects[0]?.row?.customerID).toBe('4472-LVYGI');
  });

  it('reads a UTF-8 BOM and LF line ends as well as CRLF', async () => {
    const lf = `\uFEFF${fixtureLines.join('\n')}\n`;
    const { summary, store } = await run(memorySource(lf, 'bom.csv'), churn);
    expect(summary).toMatchObject({ rows: 40, valid: 40 });
    expect((store as InMemoryProfileStore).get('CUST-7590-VHVEG')).toBeDefined();
  });

  it('lists every reason of a row with several problems', async () => {
    const broken = fixtureLines[1]!
      .replace(',1,No,No phone service,', ',one,No,No phone service,')
      .replace('Month-to-month', 'Monthly')
      .replace('29.85,29.85', 'n/a,29.85');
    const { summary, rejects } = await run(memorySource([fixtureLines[0], broken].join('\n')), churn);
    expect(summary).toMatchObject({ rows: 1, valid: 0, invalid: 1 });
    expect(rejects[0]?.reasons.map((r) => [r.column, r.code, r.value])).toEqual([
      ['Contract', 'NOT_IN_LOOKUP', 'Monthly'],
      ['Tenure', 'NOT_AN_INTEGER', 'one'],
      ['MonthlyCharges', 'NOT_A_NUMBER', 'n/a'],
    ]);
  });
});

describe('malformed CSV lines are rejects, not crashes', () => {
  function brokenFile() {
    const [head, ...rows] = fixtureLines;
    const lines = [
      head!,
      rows[0]!, // 2: fine
      rows[1]!.split(',').slice(0, -1).join(','), // 3: a field short
      `${rows[2]!},extra`, // 4: a field too many
      rows[3]!.replace('DSL', '"DSL"x'), // 5: text after a closing quote
      rows[4]!.replace('Fiber optic', 'Fiber "optic"'), // 6: a quote inside an unquoted field
      rows[5]!.replace('Fiber optic', '"Fiber optic, with\nTV"'), // 7-8: a valid quoted field over two lines (bad value)
      '', // 9: a blank line
      rows[6]!.replace('Month-to-month', '"Month-to-month'), // 10: a quote never closed
      rows[7]!, // 11: fine, after the unclosed quote
      rows[8]!, // 12: fine
    ];
    return lines.join('\r\n');
  }

  it('rejects each broken line with its reason and raw text, and imports the lines around them', async () => {
    const { summary, store, rejects } = await run(memorySource(brokenFile(), 'broken.csv'), churn);
    expect(summary).toMatchObject({ rows: 9, valid: 3, invalid: 6, blankLines: 1 });
    addsUp(summary);
    expect(rejects.map((r) => [r.line, r.reasons.map((x) => x.code).join(',')])).toEqual([
      [3, 'COLUMN_COUNT'],
      [4, 'COLUMN_COUNT'],
      [5, 'MALFORMED_CSV'],
      [6, 'MALFORMED_CSV'],
      [7, 'NOT_IN_LOOKUP'],
      [10, 'MALFORMED_CSV'],
    ]);
    expect(rejects[0]).toMatchObject({
      fields: expect.any(Array),
      reasons: [{ problem: 'expected 21 fields, got 20' }],
    });
    expect(rejects[2]?.raw).toContain('"DSL"x');
    expect(rejects[2]?.reasons[0]?.problem).toMatch(/Invalid Closing Quote/);
    expect(rejects[4]?.reasons[0]).toMatchObject({ column: 'InternetService', value: 'Fiber optic, with\nTV' });
    expect(rejects[5]?.raw).toContain('"Month-to-month');
    expect(rejects[5]?.reasons[0]?.problem).toMatch(/Quote Not Closed/);
    const ids = [...(store as InMemoryProfileStore).values()].map((p) => p.subscriberId);
    expect(ids).toEqual([
      `CUST-${fixtureLines[1]!.split(',')[0]}`,
      `CUST-${fixtureLines[8]!.split(',')[0]}`,
      `CUST-${fixtureLines[9]!.split(',')[0]}`,
    ]);
  });

  it('gives the same result whatever the chunk boundaries', async () => {
    const whole = await run(memorySource(brokenFile(), 'broken.csv'), churn);
    for (const chunk of [1, 7, 100]) {
      const { summary, rejects } = await run(memorySource(brokenFile(), 'broken.csv', chunk), churn);
      expect({ ...summary, sample: undefined }).toEqual({ ...whole.summary, sample: undefined });
      expect(rejects).toEqual(whole.rejects);
    }
  });

  it('bounds a record: an unclosed quote in a long file rejects one line, not the rest of the file', async () => {
    const [head, ...rows] = fixtureLines;
    const text = [head, rows[0]!.replace('DSL', '"DSL'), ...rows.slice(1)].join('\n');
    const store = new InMemoryProfileStore();
    const rejects = memoryRejects();
    const summary = await importProfiles({
      source: memorySource(text),
      format: 'csv',
      mapping: churn,
      store,
      rejects,
      maxRecordBytes: 300,
    });
    expect(summary).toMatchObject({ rows: 40, valid: 39, invalid: 1 });
    expect(rejects.rows[0]).toMatchObject({ line: 2, reasons: [{ code: 'MALFORMED_CSV' }] });
  });
});

describe('duplicate subscriber ids', () => {
  it('keeps the first valid row and rejects later ones with DUPLICATE and the first line', async () => {
    const [head, first, second] = fixtureLines;
    const again = first!.replace('29.85,29.85', '99.00,99.00');
    const { summary, store, rejects } = await run(memorySource([head, first, second, again].join('\n')), churn);
    expect(summary).toMatchObject({ rows: 3, valid: 2, invalid: 1 });
    expect(rejects[0]).toMatchObject({
      line: 4,
      reasons: [
        {
          code: 'DUPLICATE',
          attribute: 'subscriberId',
          value: 'CUST-7590-VHVEG',
          problem: expect.stringContaining('line 2'),
        },
      ],
    });
    expect((store as InMemoryProfileStore).get('CUST-7590-VHVEG')?.arpu).toBe(29.85);
  });

  it('lets a later row in when the earlier one with the same id was rejected', async () => {
    const [head, first] = fixtureLines;
    const bad = first!.replace('Month-to-month', 'Monthly');
    const { summary, store } = await run(memorySource([head, bad, first].join('\n')), churn);
    expect(summary).toMatchObject({ rows: 2, valid: 1, invalid: 1 });
    expect((store as InMemoryProfileStore).get('CUST-7590-VHVEG')).toBeDefined();
  });
});

describe('the header', () => {
  const mapping = (extra: string) =>
    parseMapping('m.yaml', `${extra}\nattributes:\n  subscriberId: { column: id }\n  arpu: { type: number }`);

  it('refuses a file missing a column the mapping reads, before importing anything', async () => {
    const error = await run(memorySource('id,ARPU_EUR\n1,2\n'), mapping('')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ code: 'IMPORT_MISSING_COLUMNS', details: ['arpu'] });
  });

  it('matches column names case-insensitively when the mapping says so', async () => {
    const { summary } = await run(memorySource('ID,ARPU\n1,2\n'), mapping('columnNames: case-insensitive'));
    expect(summary).toMatchObject({ rows: 1, valid: 1 });
  });

  it('warns about unknown columns by default, and refuses them with unknownColumns: reject', async () => {
    const text = 'id,arpu,gender,note\n1,2,F,x\n';
    const { summary } = await run(memorySource(text), mapping('ignore: [note]'));
    expect(summary).toMatchObject({ valid: 1, unknownColumns: ['gender'] });
    const error = await run(memorySource(text), mapping('ignore: [note]\nunknownColumns: reject')).catch((e) => e);
    expect(error).toMatchObject({ code: 'IMPORT_UNKNOWN_COLUMNS', details: ['gender'] });
  });

  it('refuses a header repeating a column the mapping reads, an empty file, and an unreadable header', async () => {
    await expect(run(memorySource('id,arpu,arpu\n1,2,3\n'), mapping(''))).rejects.toMatchObject({
      code: 'IMPORT_DUPLICATE_COLUMNS',
    });
    await expect(run(memorySource(''), mapping(''))).rejects.toMatchObject({ code: 'IMPORT_EMPTY_FILE' });
    await expect(run(memorySource('"id,arpu\n1,2\n'), mapping(''))).rejects.toMatchObject({
      code: 'IMPORT_BAD_HEADER',
    });
  });

  it('reads another delimiter when the mapping names it', async () => {
    const { summary, store } = await run(memorySource('id;arpu\n1;2.5\n'), mapping('delimiter: ";"'));
    expect(summary.valid).toBe(1);
    expect((store as InMemoryProfileStore).get('1')).toEqual({ subscriberId: '1', arpu: 2.5 });
  });
});

describe('writing to the store', () => {
  /** A CSV of `count` rows with ids 1..count. */
  const numbered = (count: number) =>
    `id,arpu\n${Array.from({ length: count }, (_, i) => `${i + 1},${(i % 90) + 10}.5`).join('\n')}\n`;
  const plain = () => parseMapping('m.yaml', 'attributes:\n  subscriberId: { column: id }\n  arpu: { type: number }');

  it('waits for an asynchronous store: never more writes in flight than the window, and reading pauses meanwhile', async () => {
    const text = numbered(20_000);
    let pulled = 0;
    const base = memorySource(text, 'big.csv', 1024);
    const source: ByteSource = {
      name: base.name,
      size: base.size,
      open(start) {
        const stream = base.open(start);
        stream.on('data', (chunk: Buffer) => {
          pulled += chunk.length;
        });
        return stream;
      },
    };
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedGate: () => void = () => {};
    const atGate = new Promise<void>((resolve) => {
      reachedGate = resolve;
    });
    const puts: Profile[] = [];
    const store: ProfileStore = {
      get: () => undefined,
      async put(profile) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        puts.push(profile);
        if (puts.length === 100) reachedGate();
        if (puts.length >= 100) await gate;
        else await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
    };
    const running = run(source, plain(), { store, concurrency: 8 });
    await atGate;
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    // The store is stuck: the import may read a little ahead, never the whole file.
    expect(puts.length).toBeLessThanOrEqual(107);
    expect(pulled).toBeLessThan(text.length / 4);
    release();
    const { summary } = await running;
    expect(summary).toMatchObject({ rows: 20_000, valid: 20_000, invalid: 0 });
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(puts).toHaveLength(20_000);
  });

  it('stops at the first store failure, rejects that row with STORE_FAILED, and accounts for every row read', async () => {
    let calls = 0;
    const store: ProfileStore = {
      get: () => undefined,
      async put() {
        calls += 1;
        if (calls === 5) throw new Error('READONLY You cannot write against a read only replica.');
      },
    };
    const { summary, rejects } = await run(memorySource(numbered(100)), plain(), { store, concurrency: 1 });
    expect(summary.stopped).toEqual({
      line: 6,
      code: 'IMPORT_STORE_FAILED',
      message: 'READONLY You cannot write against a read only replica.',
    });
    expect(summary).toMatchObject({ rows: 5, valid: 4, invalid: 1 });
    expect(rejects).toEqual([
      {
        line: 6,
        reasons: [{ code: 'STORE_FAILED', problem: 'READONLY You cannot write against a read only replica.' }],
        row: { id: '5', arpu: '14.5' },
        raw: '5,14.5',
      },
    ]);
  });

  it('treats a synchronous throw from the store the same way', async () => {
    const store: ProfileStore = {
      get: () => undefined,
      put() {
        throw new Error('full');
      },
    };
    const { summary, rejects } = await run(memorySource(numbered(10)), plain(), { store });
    expect(summary).toMatchObject({ rows: 1, valid: 0, invalid: 1, stopped: { line: 2 } });
    expect(rejects[0]?.reasons[0]?.code).toBe('STORE_FAILED');
  });
});
