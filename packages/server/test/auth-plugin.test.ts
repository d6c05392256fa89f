// The auth plugin on a small app with a route per role: every denial for every role, and every allowed case.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore, type CreatedApiKey } from '../src/security/api-keys.js';
import { type AuthPluginOptions, authPlugin } from '../src/security/auth-plugin.js';
import { type Role, roles } from '../src/security/roles.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function appWith(options: AuthPluginOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  apps.push(app);
  await app.register(authPlugin, options);
  app.get('/health', async (request) => ({ ok: true, caller: request.caller ?? null }));
  for (const role of roles) {
    app.get(`/${role}`, { config: { role } }, async (request) => ({ caller: request.caller }));
  }
  // A body the route never gets to read: a refused request is answered before parsing.
  app.post('/admin/body', { config: { role: 'admin' } }, async (request) => ({ body: request.body }));
  await app.ready();
  return app;
}

function withKeys() {
  const keys = new ApiKeyStore();
  const byRole = Object.fromEntries(roles.map((role) => [role, keys.create(role, `${role} key`)])) as Record<
    Role,
    CreatedApiKey
  >;
  return { keys, byRole };
}

describe('authPlugin', () => {
  const cases = roles.flatMap((caller) => roles.map((route) => ({ caller, route })));
  const order = { channel: 0, agent: 1, analyst: 2, admin: 3 };

  it.each(cases)('a $caller key on a $route route', async ({ caller, route }) => {
    const { keys, byRole } = withKeys();
    const app = await appWith({ keys });
    const response = await app.inject({ url: `/${route}`, headers: { authorization: `Bearer ${byRole[caller].key}` } });
    if (order[caller] >= order[route]) {
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ caller: { id: byRole[caller].id, role: caller, name: `${caller} key` } });
    } else {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: {
          code: 'AUTH_FORBIDDEN',
          message: `this route needs the ${route} role; the key has the ${caller} role`,
        },
      });
    }
  });

  it('names the denials the roles exist for', async () => {
    const { keys, byRole } = withKeys();
    const app = await appWith({ keys });
    const status = async (role: Role, url: string) =>
      (await app.inject({ url, headers: { 'x-api-key': byRole[role].key } })).statusCode;
    expect(await status('channel', '/agent')).toBe(403);
    expect(await status('agent', '/analyst')).toBe(403);
    expect(await status('agent', '/admin')).toBe(403);
    expect(await status('analyst', '/admin')).toBe(403);
    expect(await status('admin', '/admin')).toBe(200);
  });

  it('401 AUTH_MISSING_KEY without a key, on every route with a role', async () => {
    const app = await appWith(withKeys());
    for (const role of roles) {
      const response = await app.inject({ url: `/${role}` });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('AUTH_MISSING_KEY');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="arbiter"');
    }
    // Another scheme is not an API key.
    const basic = await app.inject({ url: '/channel', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.json().error.code).toBe('AUTH_MISSING_KEY');
  });

  it('401 AUTH_INVALID_KEY for a bad key and a revoked one', async () => {
    const { keys, byRole } = withKeys();
    const app = await appWith({ keys });
    const bad = await app.inject({
      url: '/channel',
      headers: { authorization: 'Bearer ak_0000_nottherightsecretatallnotatall' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({
      error: { code: 'AUTH_INVALID_KEY', message: 'the API key is not valid (unknown or revoked)' },
    });
    expect((await app.inject({ url: '/admin', headers: { 'x-api-key': byRole.admin.key } })).statusCode).toBe(200);
    keys.revoke(byRole.admin.id);
    const revoked = await app.inject({ url: '/admin', headers: { 'x-api-key': byRole.admin.key } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('AUTH_INVALID_KEY');
  });

  it('reads the key from either header, Bearer in any case', async () => {
    const { keys, byRole } = withKeys();
    const app = await appWith({ keys });
    for (const headers of [
      { authorization: `Bearer ${byRole.agent.key}` },
      { authorization: `bearer ${byRole.agent.key}` },
      { 'x-api-key': byRole.agent.key },
    ]) {
      expect((await app.inject({ url: '/agent', headers })).statusCode).toBe(200);
    }
  });

  it('leaves routes without a role public, and does not set a caller there', async () => {
    const app = await appWith(withKeys());
    const response = await app.inject({ url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, caller: null });
  });

  it('refuses before the body is parsed', async () => {
    const { keys, byRole } = withKeys();
    const app = await appWith({ keys });
    const response = await app.inject({
      method: 'POST',
      url: '/admin/body',
      headers: { 'content-type': 'application/json', 'x-api-key': byRole.channel.key },
      payload: '{ broken json',
    });
    expect(response.statusCode).toBe(403);
  });

  it('without required keys, a request with no key is the anonymous admin, but a bad key is still refused', async () => {
    const app = await appWith({ keys: new ApiKeyStore(), required: false });
    const anonymous = await app.inject({ url: '/admin' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().caller).toEqual({ id: 'anonymous', role: 'admin', name: 'anonymous' });
    expect((await app.inject({ url: '/admin', headers: { 'x-api-key': 'typo' } })).statusCode).toBe(401);
  });
});
