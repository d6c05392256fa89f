// The audit log: entries stamped and listed newest first, bounded in memory, appended to a JSONL file; config
// changes recorded with the versions before and after, whoever made them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigSnapshot } from '@arbiter/engine';
import { ConfigError } from '@arbiter/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/admin/audit-log.js';
import { auditConfigChanges } from '../src/admin/config-audit.js';
import { createConfigManager } from '../src/config-manager/config-manager.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function ticking(start = '2026-03-01T10:00:00Z') {
  let t = Date.parse(start);
  return () => {
    t += 1000;
    return new Date(t);
  };
}

describe('AuditLog', () => {
  it('stamps each entry and lists them newest first, limited and filtered by action prefix', () => {
    const audit = new AuditLog({ now: ticking() });
    audit.record({ who: 'ops (a1)', action: 'key.create', detail: { id: 'k1' } });
    audit.record({ who: 'ops (a1)', action: 'config.reload', before: 'v1', after: 'v2' });
    audit.record({ who: 'ops (a1)', action: 'key.revoke', detail: { id: 'k1' } });
    expect(audit.list().map((e) => [e.at, e.action])).toEqual([
      ['2026-03-01T10:00:03.000Z', 'key.revoke'],
      ['2026-03-01T10:00:02.000Z', 'config.reload'],
      ['2026-03-01T10:00:01.000Z', 'key.create'],
    ]);
    expect(audit.list({ limit: 1 })[0]?.action).toBe('key.revoke');
    expect(audit.list({ action: 'key.' }).map((e) => e.action)).toEqual(['key.revoke', 'key.create']);
    expect(audit.list()[1]).toEqual({
      at: '2026-03-01T10:00:02.000Z',
      who: 'ops (a1)',
      action: 'config.reload',
      before: 'v1',
      after: 'v2',
    });
    expect(Object.isFrozen(audit.list()[0])).toBe(true);
  });

  it('keeps the last `max` in memory', () => {
    const audit = new AuditLog({ max: 3 });
    for (let i = 0; i < 10; i++) audit.record({ who: 'w', action: `a${i}` });
    expect(audit.list().map((e) => e.action)).toEqual(['a9', 'a8', 'a7']);
  });

  it('appends every entry to a JSONL file, and reports a file it cannot write without losing the entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbiter-audit-'));
    dirs.push(dir);
    const file = join(dir, 'audit.jsonl');
    const audit = new AuditLog({ file, max: 1, now: ticking() });
    audit.record({ who: 'a', action: 'key.create' });
    audit.record({ who: 'b', action: 'key.revoke' });
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.who, l.action])).toEqual([
      ['a', 'key.create'],
      ['b', 'key.revoke'],
    ]);

    const errors: unknown[] = [];
    const broken = new AuditLog({ file: join(dir, 'missing', 'audit.jsonl'), onError: (e) => errors.push(e) });
    broken.record({ who: 'c', action: 'config.reload' });
    expect(errors).toHaveLength(1);
    expect(broken.list()).toHaveLength(1);
  });
});

describe('auditConfigChanges', () => {
  it('records reloads, rollbacks and rejected reloads with before and after versions', async () => {
    let version = 'v1';
    const manager = await createConfigManager({
      dir: 'x',
      load: async () => {
        if (version === 'bad') {
          throw new ConfigError([
            { file: 'actions.yaml', path: '/actions/0', code: 'CONFIG_SCHEMA', message: 'x' },
            { file: 'actions.yaml', path: '/actions/1', code: 'CONFIG_SCHEMA', message: 'y' },
          ]);
        }
        return { version, files: [], sources: { models: [] } } as unknown as ConfigSnapshot;
      },
    });
    const audit = new AuditLog();
    const stop = auditConfigChanges(manager, audit);
    version = 'v2';
    await manager.reload('alice (k1)');
    await manager.rollback('v1', 'bob (k2)');
    version = 'bad';
    await manager.reload('file-watch');
    expect(audit.list().map(({ at: _, ...e }) => e)).toEqual([
      {
        who: 'file-watch',
        action: 'config.reload-rejected',
        before: 'v1',
        after: 'v1',
        detail: { problems: 2, codes: ['CONFIG_SCHEMA'] },
      },
      { who: 'bob (k2)', action: 'config.rollback', before: 'v2', after: 'v1' },
      { who: 'alice (k1)', action: 'config.reload', before: 'v1', after: 'v2' },
    ]);
    stop();
    version = 'v3';
    await manager.reload();
    expect(audit.list()).toHaveLength(3);
    await manager.close();
  });
});
