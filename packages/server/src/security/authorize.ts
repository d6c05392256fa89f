// Who is calling and may they: the key from the headers, verified, then the route's role checked. Shared by the
// HTTP auth plugin and the WebSocket upgrade, so both answer with the same codes.
import type { ApiKeyStore } from './api-keys.js';
import { type AuthErrorCode, authErrorStatus } from './auth-errors.js';
import type { Caller } from './caller.js';
import { type Role, roleAllows } from './roles.js';

/** A refusal, ready to send: `status` and the `{ error: { code, message } }` body's error. */
export interface AuthFailure {
  ok: false;
  status: number;
  error: { code: AuthErrorCode; message: string };
}

export type AuthResult = { ok: true; caller: Caller } | AuthFailure;

/** The caller of a request without a key when keys are not required (a local demo): it may do everything. */
export const ANONYMOUS: Readonly<Caller> = Object.freeze({ id: 'anonymous', role: 'admin', name: 'anonymous' });

/** The key of `authorization: Bearer <key>`, else of `x-api-key`; undefined when neither carries one. */
export function keyFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const apiKey = headers['x-api-key'];
  return keyFrom(headers.authorization as string | undefined, Array.isArray(apiKey) ? apiKey[0] : apiKey);
}

/** The same from the two header values (a transport that reads headers one by one: uWebSockets.js). */
export function keyFrom(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  if (typeof authorization === 'string' && /^bearer\s/i.test(authorization)) {
    const key = authorization.slice(7).trim();
    if (key) return key;
  }
  return apiKey?.trim() || undefined;
}

/**
 * The caller a key belongs to. Without a key: AUTH_MISSING_KEY, or ANONYMOUS when keys are not `required`; a key
 * that does not verify is AUTH_INVALID_KEY either way, so a typo is never silently anonymous.
 */
export function authenticate(keys: ApiKeyStore, key: string | undefined, required = true): AuthResult {
  if (key === undefined) {
    return required
      ? failure('AUTH_MISSING_KEY', 'an API key is required: send `authorization: Bearer <key>` or `x-api-key`')
      : { ok: true, caller: ANONYMOUS };
  }
  const caller = keys.verify(key);
  return caller ? { ok: true, caller } : failure('AUTH_INVALID_KEY', 'the API key is not valid (unknown or revoked)');
}

/** Undefined when `caller` may use a route needing `required`, else the AUTH_FORBIDDEN refusal naming the role. */
export function checkRole(caller: Caller, required: Role): AuthFailure | undefined {
  if (roleAllows(caller.role, required)) return undefined;
  return failure('AUTH_FORBIDDEN', `this route needs the ${required} role; the key has the ${caller.role} role`);
}

/**
 * Both steps: authenticate the key, then check the role.
 * @example const auth = authorize(keys, keyFromHeaders(req.headers), 'agent'); if (!auth.ok) return reject(auth);
 */
export function authorize(keys: ApiKeyStore, key: string | undefined, required: Role, keysRequired = true): AuthResult {
  const auth = authenticate(keys, key, keysRequired);
  if (!auth.ok) return auth;
  return checkRole(auth.caller, required) ?? auth;
}

function failure(code: AuthErrorCode, message: string): AuthFailure {
  return { ok: false, status: authErrorStatus[code], error: { code, message } };
}
