// Codes the config manager returns (reload, rollback), as data, with the HTTP status the admin routes answer with.

/** Codes on failed reloads and rollbacks (`{ ok: false, code }`, and the admin routes' `error.code`). */
export const configManagerErrors = {
  CONFIG_INVALID:
    'A reload found problems in the rules directory; the running config is kept. The response lists every problem (file, path, code, message).',
  CONFIG_VERSION_NOT_FOUND: 'A rollback named a version that is not among the versions kept (GET /v1/config/versions).',
} as const;
export type ConfigManagerErrorCode = keyof typeof configManagerErrors;

/** The HTTP status of each code. */
export const configManagerErrorStatus = {
  CONFIG_INVALID: 422,
  CONFIG_VERSION_NOT_FOUND: 404,
} as const satisfies Record<ConfigManagerErrorCode, number>;

/** Problem codes the config manager adds to the engine's own (in a rejected reload's `problems`). */
export const configManagerProblems = {
  CONFIG_LOAD_FAILED:
    'The rules directory could not be read at all (missing, unreadable), or loading it failed in an unexpected way; the message says why.',
} as const;
