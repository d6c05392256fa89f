// `arbiter import`: the summary, the rejects file, and the exit codes (0 ok, 1 too many rejects, 2 unusable, 3 store).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProfileStore } from '@arbiter/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowedRejects, formatOf, importCommand } from '../src/cli/import-command.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = join(ROOT, 'packages/server/test/fixtures/churn-sample.csv');
const MAPPING = join(ROOT, 'examples/mappings/telco-churn.yaml');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbiter-import-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(file: string, options: Parameters<typeof importCommand>[1]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await importCommand(file, options, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The shipped mapping with TotalCharges required, so the fixture's 11 blank cells are rejected. */
async function strictMapping(): Promise<string> {
  const path = join(dir, 'strict.yaml');
  await writeFile(path, (await readFile(MAPPING, 'utf8')).replace('min: 0, default: 0', 'min: 0, required: true'));
  return path;
}

const jsonLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('arbiter import', () => {
  it('imports the fixture, prints the summary, leaves an empty rejects file, exits 0', async () => {
    const rejects = join(dir, 'rejects.jsonl');
    const { code, out } = await cli(FIXTURE, { mapping: MAPPING, rejects });
    expect(code).toBe(0);
    expect(out).toContain('rows: 40 total, 40 valid, 0 rejected');
    expect(out).toContain(`rejects: ${rejects} (0 rows)`);
    expect(out).toMatch(/first profile: \{"subscriberId":"CUST-7590-VHVEG"/);
    expect(await readFile(rejects, 'utf8')).toBe('');
  });

  it('writes every rejected row with its reasons and exits 1 when rejects exceed --max-rejects (default 0)', async () => {
    const rejects = join(dir, 'rejects.jsonl');
    const { code, out } = await cli(FIXTURE, { mapping: await strictMapping(), rejects });
    expect(code).toBe(1);
    expect(out).toContain('rows: 40 total, 29 valid, 11 rejected');
    expect(out).toMatch(/ 11 {2}REQUIRED +TotalCharges/);
    const written = await jsonLines(rejects);
    expect(written).toHaveLength(11);
    for (const reject of written) {
      expect(reject).toMatchObject({
        line: expect.any(Number),
        raw: expect.stringContaining(', ,'),
        row: { TotalCharges: ' ' },
        reasons: [{ code: 'REQUIRED', column: 'TotalCharges', attribute: 'totalCharges', value: ' ' }],
      });
    }
  });

  it('tolerates rejects up to --max-rejects, as a count or a share of the rows', async () => {
    const mapping = await strictMapping();
    const rejects = join(dir, 'rejects.jsonl');
    expect((await cli(FIXTURE, { mapping, rejects, maxRejects: '11' })).code).toBe(0);
    expect((await cli(FIXTURE, { mapping, rejects, maxRejects: '30%' })).code).toBe(0);
    expect((await cli(FIXTURE, { mapping, rejects, maxRejects: '25%' })).code).toBe(1);
    expect(allowedRejects('0.5%', 7043)).toBe(35);
  });

  it('prints the summary as JSON with --json', async () => {
    const rejects = join(dir, 'r.jsonl');
    const { code, out } = await cli(FIXTURE, { mapping: await strictMapping(), rejects, json: true });
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      rows: 40,
      valid: 29,
      invalid: 11,
      reasons: [{ code: 'REQUIRED', column: 'TotalCharges', count: 11 }],
      rejectsFile: rejects,
    });
  });

  it('exits 2 with every problem of an invalid mapping, importing nothing', async () => {
    const mapping = join(dir, 'bad.yaml');
    await writeFile(mapping, 'attributes:\n  arpu: { column: MonthlyCharges, type: money }\n  x: { colum: a }\n');
    const rejects = join(dir, 'rejects.jsonl');
    const { code, err } = await cli(FIXTURE, { mapping, rejects });
    expect(code).toBe(2);
    expect(err).toContain('3 problems');
    expect(err).toMatch(/bad\.yaml:\/attributes\/arpu\/type {2}CONFIG_SCHEMA/);
    expect(err).toMatch(/bad\.yaml:\/attributes\/x\/colum {2}CONFIG_UNKNOWN_FIELD/);
    expect(err).toMatch(/bad\.yaml:\/attributes {2}MAPPING_NO_SUBSCRIBER_ID/);
    expect(existsSync(rejects)).toBe(false);
  });

  it('exits 2 when the file does not fit the mapping, cannot be read, has an unclear format, or rejects cannot be written', async () => {
    const csv = join(dir, 'other.csv');
    await writeFile(csv, 'id,arpu\n1,2\n');
    const missing = await cli(csv, { mapping: MAPPING, rejects: join(dir, 'r.jsonl') });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/IMPORT_MISSING_COLUMNS .*customerID/);
    expect(existsSync(join(dir, 'r.jsonl'))).toBe(false);

    expect((await cli(join(dir, 'nope.csv'), { mapping: MAPPING })).err).toMatch(/IMPORT_FILE_UNREADABLE/);
    const unclear = await cli(join(dir, 'data.dat'), { mapping: MAPPING });
    expect(unclear).toMatchObject({ code: 2, err: expect.stringMatching(/IMPORT_UNKNOWN_FORMAT/) });
    expect(formatOf('x.ndjson')).toBe('jsonl');
    const nowhere = await cli(FIXTURE, { mapping: MAPPING, rejects: join(dir, 'no/such/dir/r.jsonl') });
    expect(nowhere).toMatchObject({ code: 2, err: expect.stringMatching(/IMPORT_REJECTS_UNWRITABLE/) });
  });

  it('exits 3 when the store fails, with the failed row in the rejects file', async () => {
    let calls = 0;
    const store: ProfileStore = {
      get: () => undefined,
      async put() {
        calls += 1;
        if (calls === 3) throw new Error('connection lost');
      },
    };
    const rejects = join(dir, 'rejects.jsonl');
    const { code, out } = await cli(FIXTURE, { mapping: MAPPING, rejects, store: { store, label: 'a test store' } });
    expect(code).toBe(3);
    expect(out).toMatch(/stopped: IMPORT_STORE_FAILED at line \d+: connection lost/);
    const written = await jsonLines(rejects);
    expect(written.map((r) => r.reasons[0].code)).toEqual(['STORE_FAILED']);
  });

  it('truncates a rejects file left by an earlier run when this one has no rejects', async () => {
    const rejects = join(dir, 'rejects.jsonl');
    await writeFile(rejects, '{"line":2,"reasons":[]}\n');
    expect((await cli(FIXTURE, { mapping: MAPPING, rejects })).code).toBe(0);
    expect(await readFile(rejects, 'utf8')).toBe('');
  });

  it('runs from the command line (commander wiring, exit code)', async () => {
    const rejects = join(dir, 'rejects.jsonl');
    const run = promisify(execFile);
    const bin = join(ROOT, 'packages/server/bin/arbiter.js');
    const { stdout } = await run(process.execPath, [
      bin,
      'import',
      FIXTURE,
      '-m',
      MAPPING,
      '--rejects',
      rejects,
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ rows: 40, valid: 40, invalid: 0 });
    const failed = await run(process.execPath, [bin, 'import', FIXTURE, '-m', MAPPING, '--max-rejects', 'many']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/a count \(10\) or a share \(0\.5%\)/) });
  });
});
