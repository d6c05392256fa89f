// API keys: created with a role, shown once, stored hashed (optionally in a JSON file), verified on every request.
import * as crypto from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ApiKeyStoreError } from './auth-errors.js';
import type { Caller } from './caller.js';
import { isRole, type Role } from './roles.js';

/** A key as listed: never its secret or hash. */
export interface ApiKeyInfo {
  id: string;
  role: Role;
  name: string;
  createdAt: string;
}

/** A new key: `key` is the only time the secret is seen. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

export interface ApiKeyStoreOptions {
  /** A JSON file of the hashes (never the secrets), read at start and rewritten on every create and revoke. */
  file?: string;
  /** Mixed into every hash, so a leaked file alone cannot be checked against guessed keys (defence in depth). */
  pepper?: string;
  now?: () => Date;
}

interface StoredKey extends ApiKeyInfo {
  hash: Buffer;
}

interface KeysFile {
  format: 'arbiter-api-keys/1';
  pepperCheck: string;
  keys: (ApiKeyInfo & { hash: string })[];
}

const FORMAT = 'arbiter-api-keys/1';
/** Keys remembered as verified (one per key id at most, as a key id has one secret); past it the cache starts over. */
const VERIFIED_MAX = 10_000;
// Generated ids are 16 hex digits, secrets 43 base64url characters (256 bits); keys from outside may vary a little.
const KEY_PATTERN = /^ak_([0-9a-z]{4,32})_([A-Za-z0-9_-]{32,128})$/;
const MAX_KEY_LENGTH = 3 + 32 + 1 + 128;

/**
 * API keys in memory, stored as SHA-256 of pepper and key. A fast hash is enough: the secrets are 256 random bits,
 * so there is nothing to brute-force. A key that verified is remembered by its text, so the next request with it
 * costs a Map lookup instead of a hash (about 2 µs of the request path); revoking the key forgets it at once.
 * Only keys that verified are remembered: a wrong key is hashed and compared in constant time every time, and
 * cannot grow the cache.
 * @example
 * const keys = new ApiKeyStore({ file: 'data/api-keys.json', pepper: process.env.ARBITER_KEY_PEPPER });
 * const { key } = keys.create('channel', 'web'); // give `key` to the web team; it is not stored
 * keys.verify(key); // { id, role: 'channel', name: 'web' }
 */
export class ApiKeyStore {
  readonly #keys = new Map<string, StoredKey>();
  /** Key text -> its caller, for keys that verified (frozen: every request of a key shares it). */
  readonly #verified = new Map<string, Readonly<Caller>>();
  /** Told the id of each revoked key (the stream server ends that key's open WebSockets). */
  readonly #onRevoked = new Set<(id: string) => void>();
  readonly #pepper: string;
  readonly #file: string | undefined;
  readonly #now: () => Date;

  constructor(options: ApiKeyStoreOptions = {}) {
    this.#pepper = options.pepper ?? '';
    this.#file = options.file;
    this.#now = options.now ?? (() => new Date());
    if (this.#file) this.#read(this.#file);
  }

  /** Makes a key with a fresh id and a 256-bit secret. The returned `key` is shown once and never stored. */
  create(role: Role, name: string): CreatedApiKey {
    if (!isRole(role)) throw new TypeError(`unknown role "${String(role)}"`);
    let id = crypto.randomBytes(8).toString('hex');
    while (this.#keys.has(id)) id = crypto.randomBytes(8).toString('hex');
    const key = `ak_${id}_${crypto.randomBytes(32).toString('base64url')}`;
    const info = this.#store(id, key, role, name);
    return { ...info, key };
  }

  /** Registers a key made elsewhere (an operator's `ARBITER_ADMIN_KEY`), so it verifies like a created one. */
  add(key: string, role: Role, name: string): ApiKeyInfo {
    if (!isRole(role)) throw new TypeError(`unknown role "${String(role)}"`);
    const id = KEY_PATTERN.exec(key)?.[1];
    if (!id) throw new ApiKeyStoreError('API_KEY_MALFORMED', 'the key is not ak_<id>_<secret>');
    if (this.#keys.has(id)) throw new ApiKeyStoreError('API_KEY_EXISTS', `a key with id ${id} exists`);
    return this.#store(id, key, role, name);
  }

  /** The caller a key belongs to, or undefined for a malformed, unknown or revoked key. Constant-time compare. */
  verify(key: string | undefined): Readonly<Caller> | undefined {
    if (!key || key.length > MAX_KEY_LENGTH) return undefined;
    const known = this.#verified.get(key);
    if (known) return known;
    const id = KEY_PATTERN.exec(key)?.[1];
    const stored = id === undefined ? undefined : this.#keys.get(id);
    if (!stored || !crypto.timingSafeEqual(stored.hash, this.#hash(key))) return undefined;
    const caller = Object.freeze({ id: stored.id, role: stored.role, name: stored.name });
    if (this.#verified.size >= VERIFIED_MAX) this.#verified.clear();
    this.#verified.set(key, caller);
    return caller;
  }

  /** Revokes a key at once (the next request with it is refused); false when there is no such key. */
  revoke(id: string): boolean {
    if (!this.#keys.delete(id)) return false;
    for (const [key, caller] of this.#verified) if (caller.id === id) this.#verified.delete(key);
    this.#write();
    for (const listener of this.#onRevoked) listener(id);
    return true;
  }

  /** Calls `listener` with the id of every key revoked from now on; the returned function stops it. */
  onRevoked(listener: (id: string) => void): () => void {
    this.#onRevoked.add(listener);
    return () => this.#onRevoked.delete(listener);
  }

  /** Every key, oldest first, without secrets or hashes. */
  list(): ApiKeyInfo[] {
    return [...this.#keys.values()].map(({ id, role, name, createdAt }) => ({ id, role, name, createdAt }));
  }

  get(id: string): ApiKeyInfo | undefined {
    const stored = this.#keys.get(id);
    return stored && { id: stored.id, role: stored.role, name: stored.name, createdAt: stored.createdAt };
  }

  get size(): number {
    return this.#keys.size;
  }

  #store(id: string, key: string, role: Role, name: string): ApiKeyInfo {
    const info: ApiKeyInfo = { id, role, name, createdAt: this.#now().toISOString() };
    this.#keys.set(id, { ...info, hash: this.#hash(key) });
    this.#write();
    return info;
  }

  #hash(text: string): Buffer {
    return sha256(`${this.#pepper}\0${text}`);
  }

  #read(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const data = parseKeysFile(text);
    if (!data) throw new ApiKeyStoreError('API_KEYS_FILE_INVALID', `${file} is not an ${FORMAT} file`);
    if (data.pepperCheck !== this.#pepperCheck()) {
      throw new ApiKeyStoreError('API_KEYS_PEPPER_MISMATCH', `${file} was written with another pepper`);
    }
    for (const { hash, ...info } of data.keys) this.#keys.set(info.id, { ...info, hash: Buffer.from(hash, 'hex') });
  }

  /** Rewrites the whole file (a few hundred keys at most) through a temporary file, so a crash never leaves half. */
  #write(): void {
    if (!this.#file) return;
    const data: KeysFile = {
      format: FORMAT,
      pepperCheck: this.#pepperCheck(),
      keys: [...this.#keys.values()].map((k) => ({
        id: k.id,
        role: k.role,
        name: k.name,
        createdAt: k.createdAt,
        hash: k.hash.toString('hex'),
      })),
    };
    const temporary = `${this.#file}.${process.pid}.tmp`;
    // Synchronous on purpose: an admin's create or revoke is on disk before the response says it happened.
    writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.#file);
  }

  /** A hash of a fixed text, so a file read with the wrong pepper fails at start instead of refusing every key. */
  #pepperCheck(): string {
    return this.#hash('arbiter-pepper-check').toString('hex').slice(0, 16);
  }
}

// The one-shot crypto.hash (Node 20.12+) skips the Hash object that createHash allocates per call.
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => crypto.createHash('sha256').update(text).digest();

function parseKeysFile(text: string): KeysFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const file = data as Partial<KeysFile> | null;
  if (!file || file.format !== FORMAT || typeof file.pepperCheck !== 'string' || !Array.isArray(file.keys)) {
    return undefined;
  }
  const valid = file.keys.every(
    (k) =>
      typeof k?.id === 'string' &&
      isRole(k.role) &&
      typeof k.name === 'string' &&
      typeof k.createdAt === 'string' &&
      typeof k.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(k.hash),
  );
  return valid ? (file as KeysFile) : undefined;
}
