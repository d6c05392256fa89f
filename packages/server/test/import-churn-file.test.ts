// The whole IBM Telco churn file (beside the repository, in ../shared/data): all 7,043 rows accounted for.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InMemoryProfileStore } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { fileSource, importProfiles, memoryRejects, parseMapping } from '../src/import/index.js';

const DATA = fileURLToPath(new URL('../../../../shared/data/telco-customer-churn.csv', import.meta.url));
const MAPPING = fileURLToPath(new URL('../../../examples/mappings/telco-churn.yaml', import.meta.url));
const present = existsSync(DATA);

if (!present) console.warn(`skipping the full IBM churn file import: ${DATA} is not there`);

describe.skipIf(!present)('importing ../shared/data/telco-customer-churn.csv', () => {
  async function run(mappingText: string) {
    const store = new InMemoryProfileStore();
    const rejects = memoryRejects();
    const mapping = parseMapping('telco-churn.yaml', mappingText);
    const summary = await importProfiles({ source: await fileSource(DATA), format: 'csv', mapping, store, rejects });
    return { summary, store, rejects: rejects.rows };
  }

  it('imports every one of the 7,043 customers with the shipped mapping', async () => {
    const lines = (await readFile(DATA, 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '');
    const { summary, store, rejects } = await run(await readFile(MAPPING, 'utf8'));
    expect(summary).toMatchObject({ rows: lines.length - 1, valid: 7043, invalid: 0, unknownColumns: [] });
    expect(rejects).toEqual([]);
    expect(store.size).toBe(7043);
    const contracts = new Map<unknown, number>();
    for (const profile of store.values()) contracts.set(profile.contract, (contracts.get(profile.contract) ?? 0) + 1);
    expect(Object.fromEntries(contracts)).toEqual({ 'month-to-month': 3875, 'one-year': 1473, 'two-year': 1695 });
  });

  it('accounts for the 11 blank TotalCharges rows as rejects when the mapping requires the column', async () => {
    const text = (await readFile(MAPPING, 'utf8')).replace('min: 0, default: 0', 'min: 0, required: true');
    const { summary, store, rejects } = await run(text);
    expect(summary).toMatchObject({ rows: 7043, valid: 7032, invalid: 11 });
    expect(summary.valid + summary.invalid).toBe(summary.rows);
    expect(store.size).toBe(7032);
    expect(rejects).toHaveLength(11);
    for (const reject of rejects) {
      expect(reject.reasons.map((r) => `${r.column} ${r.code}`)).toEqual(['TotalCharges REQUIRED']);
      expect(reject.row?.Tenure).toBe('0');
    }
  });
});
