// Campaign results files: CSV quoting, one row per action, resumable offsets; a CSV run read back with a real parser.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import type { ResultLine } from '../src/campaigns/run-types.js';
import { CSV_COLUMNS, csvField, csvRows, jsonLines, openResultsFile } from '../src/campaigns/sinks.js';
import { type CampaignRules, campaignRules, memoryDeps, readResults } from './fixtures/campaign-fixture.js';

let rules: CampaignRules;

beforeAll(async () => {
  rules = await campaignRules();
});

afterAll(async () => {
  await rules.cleanup();
});

const tricky: ResultLine = {
  runId: 'r1',
  campaignId: 'c1',
  subscriberId: 'SUB-1',
  status: 'sent',
  decisionId: 'cmp:c1:r1:SUB-1',
  msisdn: '+31612345678',
  actions: [
    {
      actionId: 'a-1',
      issue: 'Growth',
      group: 'Top-ups',
      mandatory: false,
      treatment: { text: 'Hi "Anna", 5 GB for €5,\nreply YES', title: ' padded ' },
    },
    { actionId: 'a-2', issue: 'Care', group: 'Notices', mandatory: true, treatment: { subject: 'line\r\nbreak' } },
  ],
};
const dropped: ResultLine = {
  runId: 'r1',
  campaignId: 'c1',
  subscriberId: 'SUB-2',
  status: 'dropped',
  reason: 'CAP_REACHED',
  detail: 'cap sms-per-day: 1 of 1',
};

describe('CSV fields', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['+31612345678', '+31612345678'],
    [undefined, ''],
    [null, ''],
    [42, '42'],
    [false, 'false'],
  ])('%j -> %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes one row per action (one for a subscriber without), and a parser reads every value back', () => {
    const rows = parse(`${CSV_COLUMNS.join(',')}\n${csvRows([tricky, dropped])}`, { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      subscriberId: 'SUB-1',
      msisdn: '+31612345678',
      status: 'sent',
      actionId: 'a-1',
      mandatory: 'false',
      text: 'Hi "Anna", 5 GB for €5,\nreply YES',
      title: ' padded ',
      subject: '',
    });
    expect(rows[1]).toMatchObject({ actionId: 'a-2', mandatory: 'true', subject: 'line\r\nbreak' });
    expect(rows[2]).toMatchObject({ subscriberId: 'SUB-2', status: 'dropped', reason: 'CAP_REACHED', actionId: '' });
  });
});

describe('results files', () => {
  it('a resumed file is cut back to the checkpoint offset, the CSV header kept once', async () => {
    const path = join(rules.scratch, 'cut.csv');
    const file = await openResultsFile(path, 'csv');
    await file.append([tricky]);
    const committed = file.offset;
    await file.append([dropped]);
    await file.close();
    const reopened = await openResultsFile(path, 'csv', committed);
    expect(reopened.offset).toBe(committed);
    await reopened.append([dropped]);
    await reopened.close();
    expect(await readFile(path, 'utf8')).toBe(`${CSV_COLUMNS.join(',')}\n${csvRows([tricky, dropped])}`);
    expect(reopened.offset).toBe(Buffer.byteLength(await readFile(path)));
  });

  it('counts offsets in bytes, not characters', async () => {
    const path = join(rules.scratch, 'bytes.jsonl');
    const file = await openResultsFile(path, 'jsonl');
    await file.append([tricky]);
    await file.close();
    expect(file.offset).toBe(Buffer.byteLength(jsonLines([tricky])));
    expect(file.offset).toBeGreaterThan(jsonLines([tricky]).length);
  });

  it('a CSV campaign writes the same outcomes a JSONL one does, with a header', async () => {
    const runsDir = join(rules.scratch, 'runs');
    const csv = await startCampaignRun(memoryDeps(rules, 200), { runsDir, workers: 0, campaignId: 'email-csv' }).done;
    const jsonl = await startCampaignRun(memoryDeps(rules, 200), { runsDir, workers: 0, campaignId: 'email-all' }).done;
    expect(csv.output).toMatch(/results\.csv$/);
    const text = await readFile(csv.output, 'utf8');
    expect(text.split('\n')[0]).toBe(CSV_COLUMNS.join(','));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const lines = await readResults(jsonl.output);
    const expected = lines.flatMap((l) =>
      (l.actions?.length ? l.actions : [undefined]).map((a) => [
        l.subscriberId,
        l.status,
        l.reason ?? '',
        a?.actionId ?? '',
      ]),
    );
    expect(rows.map((r) => [r.subscriberId, r.status, r.reason, r.actionId])).toEqual(expected);
    expect(rows.filter((r) => r.status === 'sent').every((r) => r.subject!.length > 0 && r.body!.length > 0)).toBe(
      true,
    );
  });
});
