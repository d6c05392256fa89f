// Config hot reload: validated reloads, a broken file keeping the running config, rollback, bounded versions,
// serialised reloads and the file watch.
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigSnapshot } from '@arbiter/engine';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConfigChangeEvent,
  type ConfigManager,
  createConfigManager,
} from '../src/config-manager/config-manager.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A copy of rules/ with models/ beside it (the manifests point to ../models); returns the rules dir. */
async function rulesCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-config-manager-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
  await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
  return join(root, 'rules');
}

/** Changes a rules file as an editor saves it: a temporary file renamed over it, so no reload reads it half written. */
async function edit(dir: string, file: string, change: (text: string) => string): Promise<void> {
  const path = join(dir, file);
  const text = await readFile(path, 'utf8');
  const changed = change(text);
  expect(changed).not.toBe(text);
  const temporary = join(dir, `.${file}.saving`);
  await writeFile(temporary, changed);
  await rename(temporary, path);
}

async function manage(options: Parameters<typeof createConfigManager>[0]): Promise<ConfigManager> {
  const manager = await createConfigManager(options);
  cleanup.push(() => manager.close());
  return manager;
}

function recorder(manager: ConfigManager): ConfigChangeEvent[] {
  const events: ConfigChangeEvent[] = [];
  manager.onChange((e) => events.push(e));
  return events;
}

/** A stand-in snapshot: the manager only reads version, files and the model manifests. */
function fakeSnapshot(version: string): ConfigSnapshot {
  return { version, files: ['actions.yaml'], sources: { models: [] } } as unknown as ConfigSnapshot;
}

/** A loader that serves the versions queued in `next`, or the last one again. */
function fakeLoader(first: string) {
  let version = first;
  const loads: string[] = [];
  return {
    loads,
    set: (v: string) => {
      version = v;
    },
    load: async () => {
      loads.push(version);
      return fakeSnapshot(version);
    },
  };
}

describe('reload on the demo playbook', () => {
  it('swaps in a changed file as a new version, and leaves a reader on the version it started with', async () => {
    const dir = await rulesCopy();
    const manager = await manage({ dir });
    const events = recorder(manager);
    const before = manager.current();
    await edit(dir, 'arbitration.yaml', (t) => `${t}\n# a comment does not change the version\n`);
    expect(await manager.reload('alice')).toEqual({
      ok: true,
      version: before.version,
      previous: before.version,
      changed: false,
    });
    expect(events).toEqual([]);

    await edit(dir, 'actions.yaml', (t) => t.replace(/value: (\d+)/, (_, v) => `value: ${Number(v) + 1}`));
    const result = await manager.reload('alice');
    expect(result).toMatchObject({ ok: true, previous: before.version, changed: true });
    const after = manager.current();
    expect(after.version).not.toBe(before.version);
    expect(result.ok && result.version).toBe(after.version);
    // The snapshot a request already holds is untouched: it finishes on its version.
    expect(before.version).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.isFrozen(before.sources.actions)).toBe(true);
    expect(events).toEqual([{ kind: 'reloaded', version: after.version, previous: before.version, by: 'alice' }]);
    expect(manager.versions().map((v) => [v.version, v.current])).toEqual([
      [after.version, true],
      [before.version, false],
    ]);
  });

  it('keeps the running config on a broken file and returns every problem', async () => {
    const dir = await rulesCopy();
    const manager = await manage({ dir });
    const events = recorder(manager);
    const running = manager.current();
    await edit(dir, 'actions.yaml', (t) =>
      t.replace('operator: equal,', 'operator: equalz,').replace(/issue: Roaming\n/, 'issue: Roam\n'),
    );
    const result = await manager.reload('bob');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('CONFIG_INVALID');
    expect(result.problems.map((p) => [p.file, p.code])).toEqual(
      expect.arrayContaining([
        ['actions.yaml', 'RULE_UNKNOWN_OPERATOR'],
        ['actions.yaml', 'CONFIG_UNKNOWN_REFERENCE'],
      ]),
    );
    expect(result.problems).toHaveLength(2);
    expect(manager.current()).toBe(running);
    expect(manager.versions()).toHaveLength(1);
    expect(events).toEqual([{ kind: 'rejected', previous: running.version, problems: result.problems, by: 'bob' }]);
  });

  it('reports an unreadable directory as a problem, not a throw', async () => {
    const dir = await rulesCopy();
    const manager = await manage({ dir });
    await rm(dir, { recursive: true });
    const result = await manager.reload();
    expect(result).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toContain('CONFIG_FILE_MISSING');
  });
});

describe('createConfigManager', () => {
  it('refuses to start on an invalid directory, with every problem', async () => {
    const problems = [{ file: 'actions.yaml', path: '/actions/0/id', code: 'CONFIG_SCHEMA', message: 'bad' }];
    await expect(
      createConfigManager({
        dir: 'x',
        load: async () => {
          throw new ConfigError(problems);
        },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', problems });
  });

  it('turns an unexpected loader failure into CONFIG_LOAD_FAILED', async () => {
    let fail = false;
    const manager = await manage({
      dir: '/nowhere',
      load: async () => {
        if (fail) throw new Error('EACCES: permission denied');
        return fakeSnapshot('v1');
      },
    });
    fail = true;
    expect(await manager.reload()).toEqual({
      ok: false,
      code: 'CONFIG_INVALID',
      problems: [{ file: '/nowhere', path: '', code: 'CONFIG_LOAD_FAILED', message: 'EACCES: permission denied' }],
    });
    expect(manager.current().version).toBe('v1');
  });

  it('a listener that throws does not stop the swap or the other listeners', async () => {
    const loader = fakeLoader('v1');
    const manager = await manage({ dir: 'x', load: loader.load });
    manager.onChange(() => {
      throw new Error('listener bug');
    });
    const events = recorder(manager);
    loader.set('v2');
    expect(await manager.reload()).toMatchObject({ ok: true, version: 'v2' });
    expect(events.map((e) => e.kind)).toEqual(['reloaded']);
  });

  it('stops calling a listener once it unsubscribes', async () => {
    const loader = fakeLoader('v1');
    const manager = await manage({ dir: 'x', load: loader.load });
    const events: string[] = [];
    const stop = manager.onChange((e) => events.push(e.version ?? ''));
    loader.set('v2');
    await manager.reload();
    stop();
    loader.set('v3');
    await manager.reload();
    expect(events).toEqual(['v2']);
  });
});

describe('rollback', () => {
  it('swaps back to a kept version, and refuses one that is not kept', async () => {
    const loader = fakeLoader('v1');
    const manager = await manage({ dir: 'x', load: loader.load });
    const v1 = manager.current();
    const events = recorder(manager);
    loader.set('v2');
    await manager.reload();
    expect(await manager.rollback('v1', 'carol')).toEqual({ ok: true, version: 'v1', previous: 'v2' });
    expect(manager.current()).toBe(v1);
    expect(manager.versions().map((v) => [v.version, v.current])).toEqual([
      ['v1', true],
      ['v2', false],
    ]);
    expect(events.at(-1)).toEqual({ kind: 'rolled-back', version: 'v1', previous: 'v2', by: 'carol' });
    expect(await manager.rollback('v9')).toEqual({ ok: false, code: 'CONFIG_VERSION_NOT_FOUND' });
    expect(manager.current()).toBe(v1);
    // Rolling back to the running version changes nothing and tells nobody.
    expect(await manager.rollback('v1')).toEqual({ ok: true, version: 'v1', previous: 'v1' });
    expect(events).toHaveLength(2);
  });

  it('a reload after a rollback takes what is on disk again', async () => {
    const loader = fakeLoader('v1');
    const manager = await manage({ dir: 'x', load: loader.load });
    loader.set('v2');
    await manager.reload();
    await manager.rollback('v1');
    expect(await manager.reload()).toEqual({ ok: true, version: 'v2', previous: 'v1', changed: true });
    expect(manager.versions().map((v) => [v.version, v.current])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
  });
});

describe('versions', () => {
  it('keeps the last `keep` versions that ran, the running one first, and never loses the one a rollback left', async () => {
    const loader = fakeLoader('v0');
    const manager = await manage({ dir: 'x', load: loader.load, keep: 3 });
    for (let i = 1; i <= 12; i++) {
      loader.set(`v${i}`);
      await manager.reload();
    }
    expect(manager.versions().map((v) => v.version)).toEqual(['v12', 'v11', 'v10']);
    expect(manager.versions()[0]).toMatchObject({ current: true, files: ['actions.yaml'] });
    expect(await manager.rollback('v9')).toEqual({ ok: false, code: 'CONFIG_VERSION_NOT_FOUND' });

    await manager.rollback('v10');
    expect(manager.versions().map((v) => [v.version, v.current])).toEqual([
      ['v10', true],
      ['v12', false],
      ['v11', false],
    ]);
    loader.set('v13');
    await manager.reload();
    // v11 goes, not v10: v10 is what ran before v13.
    expect(manager.versions().map((v) => v.version)).toEqual(['v13', 'v10', 'v12']);
    expect(await manager.rollback('v10')).toMatchObject({ ok: true, previous: 'v13' });
  });

  it('defaults to 10, and a version loaded again moves to the front', async () => {
    const loader = fakeLoader('v0');
    const manager = await manage({ dir: 'x', load: loader.load });
    for (let i = 1; i <= 14; i++) {
      loader.set(`v${i}`);
      await manager.reload();
    }
    expect(manager.versions()).toHaveLength(10);
    loader.set('v8');
    await manager.reload();
    expect(manager.versions().map((v) => v.version)).toEqual([
      'v8',
      'v14',
      'v13',
      'v12',
      'v11',
      'v10',
      'v9',
      'v7',
      'v6',
      'v5',
    ]);
  });

  it('stamps each version with when it was loaded', async () => {
    const loader = fakeLoader('v1');
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const manager = await manage({ dir: 'x', load: loader.load, now: () => new Date(clock) });
    clock += 60_000;
    loader.set('v2');
    await manager.reload();
    expect(manager.versions().map((v) => v.loadedAt)).toEqual(['2026-03-01T10:01:00.000Z', '2026-03-01T10:00:00.000Z']);
  });
});

describe('concurrent reloads', () => {
  it('run one at a time in call order: the second load starts after the first swap', async () => {
    const gates: (() => void)[] = [];
    const started: string[] = [];
    let n = 0;
    const manager = await manage({
      dir: 'x',
      load: async () => {
        const version = `v${n++}`;
        started.push(version);
        if (version !== 'v0') await new Promise<void>((open) => gates.push(open));
        return fakeSnapshot(version);
      },
    });
    const first = manager.reload('a');
    const second = manager.reload('b');
    const rollback = manager.rollback('v0', 'c');
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['v0', 'v1']);
    gates.shift()?.();
    expect(await first).toMatchObject({ ok: true, version: 'v1', previous: 'v0' });
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['v0', 'v1', 'v2']);
    gates.shift()?.();
    expect(await second).toMatchObject({ ok: true, version: 'v2', previous: 'v1' });
    expect(await rollback).toEqual({ ok: true, version: 'v0', previous: 'v2' });
    expect(manager.current().version).toBe('v0');
  });

  it('a failed reload does not block the ones queued behind it', async () => {
    let n = 0;
    const manager = await manage({
      dir: 'x',
      load: async () => {
        n++;
        if (n === 2) throw new ConfigError([{ file: 'a.yaml', path: '', code: 'CONFIG_PARSE', message: 'x' }]);
        return fakeSnapshot(`v${n}`);
      },
    });
    const [a, b] = await Promise.all([manager.reload(), manager.reload()]);
    expect(a.ok).toBe(false);
    expect(b).toMatchObject({ ok: true, version: 'v3' });
  });
});

describe('watch', () => {
  function next(manager: ConfigManager): Promise<ConfigChangeEvent> {
    return new Promise((done) => {
      const stop = manager.onChange((e) => {
        stop();
        done(e);
      });
    });
  }

  it('reloads on a file change, reports a broken file without crashing, and picks up the fix', async () => {
    const dir = await rulesCopy();
    const manager = await manage({ dir });
    const first = manager.current().version;
    await manager.watch({ debounceMs: 20 });

    let event = next(manager);
    await edit(dir, 'actions.yaml', (t) => t.replace(/value: (\d+)/, (_, v) => `value: ${Number(v) + 1}`));
    const reloaded = await event;
    expect(reloaded).toMatchObject({ kind: 'reloaded', previous: first, by: 'file-watch' });
    expect(manager.current().version).toBe(reloaded.version);

    event = next(manager);
    await edit(dir, 'contact-policy.yaml', (t) => `${t}\n  : : [broken yaml\n`);
    const rejected = await event;
    expect(rejected.kind).toBe('rejected');
    expect(rejected.problems?.[0]).toMatchObject({ file: 'contact-policy.yaml', code: 'CONFIG_PARSE' });
    expect(manager.current().version).toBe(reloaded.version);

    event = next(manager);
    await edit(dir, 'contact-policy.yaml', (t) => t.replace('\n  : : [broken yaml\n', ''));
    // The fixed file is the same content as before the break: not a new version, so nothing to report. A second
    // change makes one.
    await edit(dir, 'actions.yaml', (t) => t.replace(/value: (\d+)/, (_, v) => `value: ${Number(v) + 1}`));
    expect(await event).toMatchObject({ kind: 'reloaded', previous: reloaded.version });
  });

  it('watches the model files the config names, outside the directory', async () => {
    const dir = await rulesCopy();
    const manager = await manage({ dir });
    await manager.watch({ debounceMs: 20 });
    const event = next(manager);
    const model = join(dir, '..', 'models', 'offer-acceptance.onnx');
    await writeFile(model, Buffer.concat([await readFile(model), Buffer.from([0])]));
    // The manifest pins the model's sha256, so the changed file is rejected and the running model stays.
    expect(await event).toMatchObject({ kind: 'rejected', by: 'file-watch' });
  });

  it('stops watching on close', async () => {
    const loader = fakeLoader('v1');
    const dir = await mkdtemp(join(tmpdir(), 'arbiter-watch-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const manager = await createConfigManager({ dir, load: loader.load });
    await manager.watch({ debounceMs: 1 });
    await manager.close();
    await writeFile(join(dir, 'actions.yaml'), 'x');
    await new Promise((r) => setTimeout(r, 50));
    expect(loader.loads).toEqual(['v1']);
  });
});
