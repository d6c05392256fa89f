// `arbiter generate`: a seeded population as JSON lines, the same for the same seed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateCommand } from './generate-command.js';

const dir = await mkdtemp(join(tmpdir(), 'arbiter-generate-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

async function lines(file: string): Promise<Record<string, unknown>[]> {
  return (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('arbiter generate', () => {
  it('writes count profiles, one JSON object a line, with unique ids', async () => {
    const out = join(dir, 'a.jsonl');
    expect(await generateCommand({ count: 2_500, seed: 42, out })).toBe(2_500);
    const profiles = await lines(out);
    expect(profiles).toHaveLength(2_500);
    expect(new Set(profiles.map((p) => p.subscriberId)).size).toBe(2_500);
    expect(profiles[0]).toMatchObject({
      subscriberId: 'SUB-00000001',
      planType: expect.any(String),
      consent: expect.any(Object),
    });
  });

  it('is deterministic for a seed, and differs across seeds', async () => {
    await generateCommand({ count: 50, seed: 7, out: join(dir, 'b.jsonl') });
    await generateCommand({ count: 50, seed: 7, out: join(dir, 'c.jsonl') });
    await generateCommand({ count: 50, seed: 8, out: join(dir, 'd.jsonl') });
    const [b, c, d] = await Promise.all(['b', 'c', 'd'].map((n) => readFile(join(dir, `${n}.jsonl`), 'utf8')));
    expect(b).toBe(c);
    expect(b).not.toBe(d);
  });
});
