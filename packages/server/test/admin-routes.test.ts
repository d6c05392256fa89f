// The admin routes through app.inject(): config read, reload, rollback; API keys; the audit log; each route's role.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminRuntime } from '../src/admin/admin-runtime.js';
import { AuditLog } from '../src/admin/audit-log.js';
import { auditConfigChanges } from '../src/admin/config-audit.js';
import { createConfigManager } from '../src/config-manager/config-manager.js';
import { auditRoutes } from '../src/http/routes/audit-routes.js';
import { configRoutes } from '../src/http/routes/config-routes.js';
import { keyRoutes } from '../src/http/routes/key-routes.js';
import { ApiKeyStore, type CreatedApiKey } from '../src/security/api-keys.js';
import { authPlugin } from '../src/security/auth-plugin.js';
import { type Role, roles } from '../src/security/roles.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A copy of rules/ with models/ beside it; returns the rules dir. */
async function rulesCopy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-admin-routes-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
  await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
  return join(root, 'rules');
}

async function edit(dir: string, file: string, change: (text: string) => string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
}

/** The admin routes behind the auth plugin, on a runtime over `dir`, with a key of every role. */
async function adminApp(dir: string) {
  const config = await createConfigManager({ dir });
  const runtime: AdminRuntime = { config, keys: new ApiKeyStore(), audit: new AuditLog() };
  auditConfigChanges(config, runtime.audit);
  const keys = Object.fromEntries(roles.map((role) => [role, runtime.keys.create(role, `${role} key`)])) as Record<
    Role,
    CreatedApiKey
  >;
  // Unknown fields are refused rather than silently dropped, as in the server's app.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  cleanup.push(() => config.close());
  cleanup.push(() => app.close());
  await app.register(authPlugin, { keys: runtime.keys });
  await app.register(configRoutes, { runtime });
  await app.register(keyRoutes, { runtime });
  await app.register(auditRoutes, { runtime });
  await app.ready();
  const call = (role: Role | string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys[role as Role]?.key ?? role}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return { app, runtime, keys, call };
}

/** The demo playbook itself, for the tests that do not change it (nothing here writes to it). */
const PLAYBOOK = join(ROOT, 'rules');

describe('config routes', () => {
  it('GET /v1/config: the running version, files and what they hold; the sources on request', async () => {
    const { call, runtime } = await adminApp(PLAYBOOK);
    const response = await call('analyst', 'GET', '/v1/config');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const running = runtime.config.current();
    expect(body).toMatchObject({
      version: running.version,
      files: [...running.files],
      actions: running.actions.length,
      channels: [...running.channels],
      models: ['offer-acceptance'],
      triggers: running.triggers.length,
    });
    expect(Date.parse(body.loadedAt)).not.toBeNaN();
    expect(body.sources).toBeUndefined();
    const withSources = (await call('analyst', 'GET', '/v1/config?sources=true')).json();
    expect(withSources.sources.actions).toHaveLength(running.actions.length);
    expect((await call('analyst', 'GET', '/v1/config?everything=true')).statusCode).toBe(400);
  });

  it('reload: 200 unchanged, 200 with a new version, 422 with every problem keeping the running config', async () => {
    const dir = await rulesCopy();
    const { call, runtime, keys } = await adminApp(dir);
    const first = runtime.config.current().version;
    expect((await call('admin', 'POST', '/v1/config/reload')).json()).toEqual({
      version: first,
      previous: first,
      changed: false,
    });

    await edit(dir, 'actions.yaml', (t) => t.replace(/value: (\d+)/, (_, v) => `value: ${Number(v) + 1}`));
    const reloaded = await call('admin', 'POST', '/v1/config/reload');
    expect(reloaded.statusCode).toBe(200);
    const second = reloaded.json().version;
    expect(reloaded.json()).toEqual({ version: second, previous: first, changed: true });
    expect(second).not.toBe(first);

    await edit(dir, 'actions.yaml', (t) =>
      t.replace('operator: equal,', 'operator: equalz,').replace(/issue: Roaming\n/, 'issue: Roam\n'),
    );
    const rejected = await call('admin', 'POST', '/v1/config/reload');
    expect(rejected.statusCode).toBe(422);
    const { error } = rejected.json();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('the rules directory has 2 problems; the running config is kept');
    expect(error.problems.map((p: { code: string }) => p.code).sort()).toEqual([
      'CONFIG_UNKNOWN_REFERENCE',
      'RULE_UNKNOWN_OPERATOR',
    ]);
    expect(error.problems[0]).toEqual({
      file: 'actions.yaml',
      path: expect.stringMatching(/^\/actions\/\d+\//),
      code: expect.any(String),
      message: expect.any(String),
    });
    expect(runtime.config.current().version).toBe(second);

    const versions = (await call('analyst', 'GET', '/v1/config/versions')).json().versions;
    expect(versions.map((v: { version: string; current: boolean }) => [v.version, v.current])).toEqual([
      [second, true],
      [first, false],
    ]);
    expect(versions[0].files).toContain('actions.yaml');

    expect((await call('admin', 'POST', '/v1/config/rollback', { version: first })).json()).toEqual({
      version: first,
      previous: second,
    });
    expect(runtime.config.current().version).toBe(first);

    const label = `admin key (${keys.admin.id})`;
    expect(runtime.audit.list().map(({ at: _, detail: __, ...e }) => e)).toEqual([
      { who: label, action: 'config.rollback', before: second, after: first },
      { who: label, action: 'config.reload-rejected', before: second, after: second },
      { who: label, action: 'config.reload', before: first, after: second },
    ]);
  });

  it('rollback: 404 CONFIG_VERSION_NOT_FOUND for a version not kept, 400 for a bad body', async () => {
    const { call } = await adminApp(PLAYBOOK);
    const missing = await call('admin', 'POST', '/v1/config/rollback', { version: 'feedfacefeedface' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        code: 'CONFIG_VERSION_NOT_FOUND',
        message: 'version feedfacefeedface is not among the versions kept (GET /v1/config/versions)',
        field: 'version',
      },
    });
    // (A number for `version` is coerced to a string by Fastify's default ajv options; the app decides on that.)
    for (const body of [{}, { version: '' }, { version: 'v1', extra: true }, { version: '../x' }, { version: [] }]) {
      expect((await call('admin', 'POST', '/v1/config/rollback', body)).statusCode).toBe(400);
    }
  });
});

describe('key routes', () => {
  it('creates a key shown once, lists keys without secrets, revokes one at once; all audited', async () => {
    const { call, runtime, keys } = await adminApp(PLAYBOOK);
    const created = await call('admin', 'POST', '/v1/keys', { role: 'channel', name: '  web app ' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = created.json();
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      role: 'channel',
      name: 'web app',
      createdAt: expect.any(String),
      key: expect.stringMatching(/^ak_[0-9a-f]{16}_/),
    });
    expect((await call(key.key, 'GET', '/v1/config')).statusCode).toBe(403); // a channel key, working

    const listed = await call('admin', 'GET', '/v1/keys');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().keys.map((k: { name: string }) => k.name)).toEqual([
      'channel key',
      'agent key',
      'analyst key',
      'admin key',
      'web app',
    ]);
    expect(listed.body).not.toContain(key.key.slice(20));
    expect(listed.body).not.toContain('hash');

    const revoked = await call('admin', 'DELETE', `/v1/keys/${key.id}`);
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expect((await call(key.key, 'GET', '/v1/config')).json().error.code).toBe('AUTH_INVALID_KEY');

    const label = `admin key (${keys.admin.id})`;
    expect(runtime.audit.list().map(({ at: _, ...e }) => e)).toEqual([
      { who: label, action: 'key.revoke', detail: { id: key.id, role: 'channel', name: 'web app' } },
      { who: label, action: 'key.create', detail: { id: key.id, role: 'channel', name: 'web app' } },
    ]);
  });

  it('404 KEY_NOT_FOUND for an unknown or already revoked id; 400 for bad input', async () => {
    const { call } = await adminApp(PLAYBOOK);
    const missing = await call('admin', 'DELETE', '/v1/keys/0123456789abcdef');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({
      code: 'KEY_NOT_FOUND',
      message: 'no API key with id 0123456789abcdef',
      field: 'id',
    });
    expect((await call('admin', 'DELETE', '/v1/keys/NOT-AN-ID')).statusCode).toBe(400);
    for (const body of [
      { role: 'root', name: 'x' },
      { role: 'admin' },
      { role: 'admin', name: '' },
      { role: 'admin', name: '   ' },
      { role: 'admin', name: 'x'.repeat(101) },
      { role: 'admin', name: 'x', secret: 'mine' },
    ]) {
      expect((await call('admin', 'POST', '/v1/keys', body)).statusCode).toBe(400);
    }
  });
});

describe('audit route', () => {
  it('lists entries newest first, limited and filtered', async () => {
    const { call, runtime } = await adminApp(PLAYBOOK);
    for (let i = 0; i < 3; i++) runtime.audit.record({ who: 'ops', action: i === 1 ? 'config.reload' : 'key.create' });
    const all = await call('admin', 'GET', '/v1/audit');
    expect(all.statusCode).toBe(200);
    expect(all.json().entries.map((e: { action: string }) => e.action)).toEqual([
      'key.create',
      'config.reload',
      'key.create',
    ]);
    expect((await call('admin', 'GET', '/v1/audit?limit=1')).json().entries).toHaveLength(1);
    expect((await call('admin', 'GET', '/v1/audit?action=config.')).json().entries).toHaveLength(1);
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'who=ops']) {
      expect((await call('admin', 'GET', `/v1/audit?${query}`)).statusCode).toBe(400);
    }
  });
});

describe('roles of the admin routes', () => {
  const routes: [method: 'GET' | 'POST' | 'DELETE', url: string, role: Role, body?: unknown][] = [
    ['GET', '/v1/config', 'analyst'],
    ['GET', '/v1/config/versions', 'analyst'],
    ['POST', '/v1/config/reload', 'admin'],
    ['POST', '/v1/config/rollback', 'admin', { version: 'feedfacefeedface' }],
    ['GET', '/v1/keys', 'admin'],
    ['POST', '/v1/keys', 'admin', { role: 'channel', name: 'x' }],
    ['DELETE', '/v1/keys/0123456789abcdef', 'admin'],
    ['GET', '/v1/audit', 'admin'],
  ];

  it.each(routes)(
    '%s %s needs %s: every lower role is refused, it and above are let in',
    async (method, url, role, body) => {
      const { call } = await adminApp(PLAYBOOK);
      const rank = roles.indexOf(role);
      for (const caller of roles) {
        const response = await call(caller, method, url, body);
        if (roles.indexOf(caller) < rank) {
          expect(response.statusCode).toBe(403);
          expect(response.json().error.message).toContain(`needs the ${role} role`);
        } else {
          expect([200, 201, 404]).toContain(response.statusCode);
        }
      }
      expect((await call('no-such-key', method, url, body)).statusCode).toBe(401);
      expect((await call('', method, url, body)).statusCode).toBe(401);
    },
  );
});
