// Codes of the security layer (API keys, roles, rate limits), as data, with the HTTP status each is answered with.

/** Codes in `{ error: { code, message } }` bodies from the auth plugin and the key routes. */
export const authErrors = {
  AUTH_MISSING_KEY: 'The route needs an API key and none came in `authorization: Bearer <key>` or `x-api-key`.',
  AUTH_INVALID_KEY: 'The API key is malformed, unknown or revoked.',
  AUTH_FORBIDDEN: "The key's role is below the role the route needs; the message names the role needed.",
  RATE_LIMITED: 'The key has used up its request rate; `retry-after` says in how many seconds to try again.',
  KEY_NOT_FOUND: 'DELETE /v1/keys/:id named a key id that does not exist (or was already revoked).',
} as const;
export type AuthErrorCode = keyof typeof authErrors;

/** The HTTP status of each code. */
export const authErrorStatus = {
  AUTH_MISSING_KEY: 401,
  AUTH_INVALID_KEY: 401,
  AUTH_FORBIDDEN: 403,
  RATE_LIMITED: 429,
  KEY_NOT_FOUND: 404,
} as const satisfies Record<AuthErrorCode, number>;

/** Codes on errors the API key store throws at startup or when a key is added from outside: never per request. */
export const apiKeyStoreErrors = {
  API_KEYS_FILE_INVALID: 'The API keys file is not JSON in the format the store writes (`arbiter-api-keys/1`).',
  API_KEYS_PEPPER_MISMATCH:
    'The API keys file was written with another pepper: no stored key would verify. Start with the pepper it was written with.',
  API_KEY_MALFORMED:
    'A key given to `add()` is not `ak_<id>_<secret>` (id: 4 to 32 of a-z0-9; secret: 32 to 128 of A-Za-z0-9_-).',
  API_KEY_EXISTS: 'A key given to `add()` has the id of a key the store already holds.',
} as const;
export type ApiKeyStoreErrorCode = keyof typeof apiKeyStoreErrors;

/** An error with a code from `apiKeyStoreErrors`. */
export class ApiKeyStoreError extends Error {
  constructor(
    readonly code: ApiKeyStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyStoreError';
  }
}
