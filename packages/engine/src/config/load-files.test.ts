// Loading the demo playbook, and precise problems (file, path, code) for broken copies of it.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError, type ConfigProblem } from './config-problem.js';
import { loadConfigDir } from './load-files.js';

const RULES = fileURLToPath(new URL('../../../../rules', import.meta.url));
const MODELS = fileURLToPath(new URL('../../../../models', import.meta.url));
const dirs: string[] = [];

/** A copy of rules/ (and models/ beside it, as manifests point to ../models), changed by `edit`. */
async function brokenCopy(edit: (files: Record<string, any>) => void | Promise<void>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-rules-'));
  dirs.push(root);
  await cp(RULES, join(root, 'rules'), { recursive: true });
  await cp(MODELS, join(root, 'models'), { recursive: true });
  const dir = join(root, 'rules');
  const names = ['actions', 'eligibility', 'contact-policy', 'arbitration', 'models'];
  const files: Record<string, any> = {};
  for (const name of names) files[name] = parse(await readFile(join(dir, `${name}.yaml`), 'utf8'));
  files.dir = dir;
  await edit(files);
  for (const name of names) await writeFile(join(dir, `${name}.yaml`), stringify(files[name]));
  return dir;
}

async function problemsOf(dir: string): Promise<ConfigProblem[]> {
  try {
    await loadConfigDir(dir);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to fail');
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('loadConfigDir on the demo playbook', () => {
  it('loads, compiles and freezes it, with a content hash as version', async () => {
    const config = await loadConfigDir(RULES);
    expect(config.version).toMatch(/^[0-9a-f]{16}$/);
    expect(config.actions.length).toBeGreaterThanOrEqual(60);
    expect(new Set(config.actions.map((a) => a.issue)).size).toBeGreaterThanOrEqual(5);
    expect(config.models.size).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(config.sources.actions[0])).toBe(true);
    expect(() => {
      (config.sources.arbitration as { defaultLimit: number }).defaultLimit = 99;
    }).toThrow(TypeError);
  });

  it('gives the same version for the same content and a new one when content changes', async () => {
    const same = await brokenCopy(() => {});
    expect((await loadConfigDir(same)).version).toBe((await loadConfigDir(RULES)).version);
    const changed = await brokenCopy((f) => {
      f.actions.actions[0].value += 1;
    });
    expect((await loadConfigDir(changed)).version).not.toBe((await loadConfigDir(RULES)).version);
  });
});

describe('loadConfigDir on broken copies', () => {
  it('names the file, the path and the reason for an unknown operator', async () => {
    const dir = await brokenCopy((f) => {
      f.actions.actions[2].eligibility = { all: [{ fact: 'tenureMonths', operator: 'greaterThen', value: 3 }] };
    });
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({
        file: 'actions.yaml',
        path: '/actions/2/eligibility/all/0/operator',
        code: 'RULE_UNKNOWN_OPERATOR',
      }),
    );
  });

  it('reports an unknown named condition where it is referenced', async () => {
    const dir = await brokenCopy((f) => {
      f.actions.actions[1].eligibility = {
        any: [{ fact: 'segment', operator: 'equal', value: 'youth' }, { condition: 'noSuchCondition' }],
      };
    });
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({
        file: 'actions.yaml',
        path: expect.stringMatching(/^\/actions\/1\/eligibility\/any\/1/),
        code: 'RULE_UNKNOWN_CONDITION',
      }),
    );
  });

  it('reports wrong types, unknown fields, duplicate ids, unknown references and rule errors, all in one load', async () => {
    const dir = await brokenCopy((f) => {
      const [a, b, c, d, e] = f.actions.actions;
      a.value = 'ten';
      b.lever_ = 2;
      c.id = d.id;
      d.issue = 'Upsell';
      d.channels.push('fax');
      e.eligibility = { all: [{ fact: 'tenureMonths', operator: 'atLeast', value: 3 }] };
      f['contact-policy'].caps[0].window = '1day';
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'actions.yaml', path: '/actions/0/value', code: 'CONFIG_SCHEMA' }),
        expect.objectContaining({ file: 'actions.yaml', path: '/actions/1/lever_', code: 'CONFIG_UNKNOWN_FIELD' }),
        expect.objectContaining({ file: 'actions.yaml', path: '/actions/3/id', code: 'CONFIG_DUPLICATE_ID' }),
        expect.objectContaining({ file: 'actions.yaml', path: '/actions/3/issue', code: 'CONFIG_UNKNOWN_REFERENCE' }),
        expect.objectContaining({
          file: 'actions.yaml',
          path: expect.stringMatching(/^\/actions\/3\/channels\/\d+$/),
          code: 'CONFIG_UNKNOWN_REFERENCE',
        }),
        expect.objectContaining({
          file: 'actions.yaml',
          path: '/actions/4/eligibility/all/0/operator',
          code: 'RULE_UNKNOWN_OPERATOR',
        }),
        expect.objectContaining({
          file: 'contact-policy.yaml',
          path: '/caps/0/window',
          code: 'POLICY_INVALID_DURATION',
        }),
      ]),
    );
    expect(problems.find((p) => p.path === '/actions/3/issue')?.message).toMatch(/Upsell/);
    expect(problems.find((p) => p.path === '/actions/0/value')?.message).toMatch(/"ten"/);
  });

  it('reports a missing treatment and an SMS text over 160 characters', async () => {
    const dir = await brokenCopy((f) => {
      const sms = f.actions.actions.filter((a: { channels: string[] }) => a.channels.includes('sms'));
      sms[0].treatments.sms.text = 'x'.repeat(161);
      delete sms[1].treatments.sms;
    });
    const problems = await problemsOf(dir);
    expect(problems.map((p) => p.code)).toEqual(
      expect.arrayContaining(['CONFIG_INVALID_VALUE', 'CONFIG_MISSING_TREATMENT']),
    );
  });

  it('reports a model file that is missing', async () => {
    const dir = await brokenCopy((f) => {
      f.models.models[0].file = '../models/nope.onnx';
    });
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({ file: 'models.yaml', path: '/models/0/file', code: 'MODEL_FILE_MISSING' }),
    );
  });

  it('reports a model path that is a directory or a device, without reading it (a problem, not a crash or a hang)', async () => {
    for (const file of ['.', '/dev/zero']) {
      const dir = await brokenCopy((f) => {
        f.models.models[0].file = file;
      });
      expect(await problemsOf(dir)).toEqual([
        expect.objectContaining({ file: 'models.yaml', path: '/models/0/file', code: 'MODEL_FILE_INVALID' }),
      ]);
    }
  });

  it('reports an alias bomb and a chain of named conditions too deep to compile, as problems', async () => {
    const bomb = await brokenCopy(() => {});
    const levels = ['zz0: &zz0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `zz${i}: &zz${i} [${Array(10)
          .fill(`*zz${i - 1}`)
          .join(', ')}]`,
      );
    await writeFile(
      join(bomb, 'arbitration.yaml'),
      `${await readFile(join(bomb, 'arbitration.yaml'), 'utf8')}\n${levels.join('\n')}\n`,
    );
    expect(await problemsOf(bomb)).toEqual([
      expect.objectContaining({ file: 'arbitration.yaml', code: 'CONFIG_PARSE' }),
    ]);

    const chain = await brokenCopy((f) => {
      for (let i = 0; i < 3_000; i++) f.eligibility.conditions[`ch${i}`] = { condition: `ch${i + 1}` };
      f.eligibility.conditions.ch3000 = { fact: 'planType', operator: 'equal', value: 'postpaid' };
      f.actions.actions[0].eligibility = { condition: 'ch0' };
    });
    const problems = await problemsOf(chain);
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'RULE_INVALID_CONDITION', message: expect.stringContaining('too deep') }),
    );
    expect(problems.filter((p) => p.code === 'RULE_CIRCULAR_CONDITION')).toEqual([]);
  });

  it('reports a validity date that is not a real day or time, and one that ends before it starts', async () => {
    const dir = await brokenCopy((f) => {
      f.actions.actions[0].validFrom = '2025-13-01';
      f.actions.actions[1].validTo = '2026-02-30';
      f.actions.actions[2].validTo = '2026-02-28T99:99';
      f.actions.actions[3].validFrom = '2024-02-29T10:00:00Z'; // a leap day: fine
      f.actions.actions[3].validTo = '2024-02-28';
    });
    const problems = (await problemsOf(dir)).map((p) => [p.path, p.code]);
    expect(problems).toEqual([
      ['/actions/0/validFrom', 'CONFIG_INVALID_VALUE'],
      ['/actions/1/validTo', 'CONFIG_INVALID_VALUE'],
      ['/actions/2/validTo', 'CONFIG_INVALID_VALUE'],
      ['/actions/3/validTo', 'CONFIG_INVALID_VALUE'],
    ]);
  });

  it('reports a duration past 100 years (a cooldown that ends after any date)', async () => {
    const dir = await brokenCopy((f) => {
      f['contact-policy'].cooldowns[0].duration = '20000000w';
    });
    expect(await problemsOf(dir)).toEqual([
      expect.objectContaining({
        file: 'contact-policy.yaml',
        path: '/cooldowns/0/duration',
        code: 'POLICY_INVALID_DURATION',
      }),
    ]);
  });

  it('reports a model that does not match its manifest', async () => {
    const dir = await brokenCopy((f) => {
      f.models.models[0].features.push({ source: 'profile', name: 'arpu', type: 'numeric', default: 0 });
    });
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'models.yaml', code: 'MODEL_INPUT_MISMATCH' });
  });

  it('reports a YAML syntax error with its line', async () => {
    const dir = await brokenCopy(() => {});
    await writeFile(join(dir, 'arbitration.yaml'), 'issues: [Retention, Growth\ndefaultLimit: 3\n');
    const problems = await problemsOf(dir);
    expect(problems[0]).toMatchObject({ file: 'arbitration.yaml', code: 'CONFIG_PARSE' });
    expect(problems[0]!.message).toMatch(/^line \d+/);
  });

  it('reports a missing required file', async () => {
    const dir = await brokenCopy(() => {});
    await rm(join(dir, 'contact-policy.yaml'));
    expect(await problemsOf(dir)).toContainEqual(
      expect.objectContaining({ code: 'CONFIG_FILE_MISSING', file: 'contact-policy.yaml' }),
    );
  });

  it('reports policy and arbitration references to unknown issues, groups and channels', async () => {
    const dir = await brokenCopy((f) => {
      f.arbitration.contextWeights.telex = { Retention: 2 };
      f.arbitration.levers.groups['No such group'] = 1.2;
      f['contact-policy'].caps.push({ id: 'ghost-cap', action: 'no-such-action', max: 1, window: '1d' });
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'arbitration.yaml',
          path: '/contextWeights/telex',
          code: 'CONFIG_UNKNOWN_REFERENCE',
        }),
        expect.objectContaining({
          file: 'arbitration.yaml',
          path: '/levers/groups/No such group',
          code: 'CONFIG_UNKNOWN_REFERENCE',
        }),
        expect.objectContaining({ file: 'contact-policy.yaml', code: 'CONFIG_UNKNOWN_REFERENCE' }),
      ]),
    );
  });
});
