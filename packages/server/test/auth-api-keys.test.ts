// API keys: shown once, stored hashed, verified, revoked, listed without secrets, persisted as hashes only.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../src/security/api-keys.js';
import { isRole, roleAllows, roles } from '../src/security/roles.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempFile(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'arbiter-keys-'));
  dirs.push(dir);
  return join(dir, name);
}

describe('roles', () => {
  it('orders channel < agent < analyst < admin, each with what the ones before it have', () => {
    const allowed = roles.flatMap((caller) =>
      roles.filter((required) => roleAllows(caller, required)).map((r) => `${caller}>${r}`),
    );
    expect(allowed).toEqual([
      'channel>channel',
      'agent>channel',
      'agent>agent',
      'analyst>channel',
      'analyst>agent',
      'analyst>analyst',
      'admin>channel',
      'admin>agent',
      'admin>analyst',
      'admin>admin',
    ]);
    expect(isRole('admin')).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole('toString')).toBe(false);
  });
});

describe('ApiKeyStore', () => {
  it('creates a key of the form ak_<id>_<secret> with a 256-bit secret, and verifies it to its caller', () => {
    const keys = new ApiKeyStore({ now: () => new Date('2026-03-01T00:00:00Z') });
    const created = keys.create('agent', 'care desk');
    expect(created.key).toMatch(/^ak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ role: 'agent', name: 'care desk', createdAt: '2026-03-01T00:00:00.000Z' });
    expect(created.key.startsWith(`ak_${created.id}_`)).toBe(true);
    expect(Buffer.from(created.key.slice(20), 'base64url')).toHaveLength(32);
    expect(keys.verify(created.key)).toEqual({ id: created.id, role: 'agent', name: 'care desk' });
    expect(keys.create('agent', 'care desk').key).not.toBe(created.key);
  });

  it('refuses malformed, unknown, tampered and missing keys', () => {
    const keys = new ApiKeyStore();
    const { key, id } = keys.create('channel', 'web');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [
      undefined,
      '',
      'nonsense',
      `${key.slice(0, -1)}${last}`, // the right id, a wrong secret
      `ak_${'0'.repeat(16)}_${key.slice(20)}`, // the right secret under an unknown id
      `${key} `,
      `${key}${'x'.repeat(500)}`,
      key.replace(id, id.toUpperCase()),
    ]) {
      expect(keys.verify(bad)).toBeUndefined();
    }
  });

  it('revokes a key at once, and says whether there was one', () => {
    const keys = new ApiKeyStore();
    const { key, id } = keys.create('admin', 'ops');
    expect(keys.revoke(id)).toBe(true);
    expect(keys.verify(key)).toBeUndefined();
    expect(keys.revoke(id)).toBe(false);
    expect(keys.list()).toEqual([]);
  });

  it('lists keys without secrets or hashes', () => {
    const keys = new ApiKeyStore();
    const a = keys.create('channel', 'web');
    const b = keys.create('analyst', 'marketing');
    const listed = keys.list();
    expect(listed).toEqual([
      { id: a.id, role: 'channel', name: 'web', createdAt: a.createdAt },
      { id: b.id, role: 'analyst', name: 'marketing', createdAt: b.createdAt },
    ]);
    expect(JSON.stringify(listed)).not.toContain(a.key.slice(20));
    expect(keys.get(b.id)).toEqual(listed[1]);
    expect(keys.size).toBe(2);
  });

  it('adds a key made elsewhere, and refuses a malformed or duplicate one', () => {
    const keys = new ApiKeyStore();
    const key = `ak_bootstrap_${'s'.repeat(40)}`;
    expect(keys.add(key, 'admin', 'bootstrap')).toMatchObject({ id: 'bootstrap', role: 'admin' });
    expect(keys.verify(key)).toEqual({ id: 'bootstrap', role: 'admin', name: 'bootstrap' });
    expect(() => keys.add('ak_x_short', 'admin', 'x')).toThrow(expect.objectContaining({ code: 'API_KEY_MALFORMED' }));
    expect(() => keys.add(key, 'admin', 'again')).toThrow(expect.objectContaining({ code: 'API_KEY_EXISTS' }));
    expect(() => keys.create('root' as never, 'x')).toThrow(TypeError);
  });
});

describe('ApiKeyStore with a file', () => {
  it('persists hashes only, and a new store on the same file and pepper verifies the same keys', async () => {
    const file = await tempFile('keys.json');
    const keys = new ApiKeyStore({ file, pepper: 'pepper-1' });
    const kept = keys.create('agent', 'desk');
    const revoked = keys.create('channel', 'old app');
    keys.revoke(revoked.id);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(kept.key.slice(20));
    expect(JSON.parse(text)).toMatchObject({
      format: 'arbiter-api-keys/1',
      keys: [{ id: kept.id, role: 'agent', name: 'desk', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });

    const reopened = new ApiKeyStore({ file, pepper: 'pepper-1' });
    expect(reopened.verify(kept.key)).toEqual({ id: kept.id, role: 'agent', name: 'desk' });
    expect(reopened.verify(revoked.key)).toBeUndefined();
    expect(reopened.list()).toEqual(keys.list());
  });

  it('starts empty without a file, and refuses a file from another pepper or in another format', async () => {
    const file = await tempFile('keys.json');
    expect(new ApiKeyStore({ file }).list()).toEqual([]);
    new ApiKeyStore({ file, pepper: 'one' }).create('admin', 'ops');
    expect(() => new ApiKeyStore({ file, pepper: 'two' })).toThrow(
      expect.objectContaining({ code: 'API_KEYS_PEPPER_MISMATCH' }),
    );
    await writeFile(file, '{"keys": "nope"}');
    expect(() => new ApiKeyStore({ file })).toThrow(expect.objectContaining({ code: 'API_KEYS_FILE_INVALID' }));
    await writeFile(file, 'not json');
    expect(() => new ApiKeyStore({ file })).toThrow(expect.objectContaining({ code: 'API_KEYS_FILE_INVALID' }));
  });
});
