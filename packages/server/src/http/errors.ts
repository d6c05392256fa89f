// The API's error codes as data: the transport's own codes with their meaning, and the HTTP status of every code
// a handler or a plugin can answer with (engine codes included), per docs/server-plan.md.
import { STATUS_CODES } from 'node:http';
import { authErrorStatus } from '../security/auth-errors.js';

/** Codes the HTTP layer itself answers with, in `{ error: { code, message, field? } }` (docs/errors.md). */
export const httpErrors = {
  INVALID_REQUEST:
    'The request is not valid HTTP (an unknown method, a bad or repeated Content-Length, Content-Length with ' +
    'Transfer-Encoding, a forbidden character in a header, a malformed chunk, a target not starting with `/`, ' +
    'no Host on HTTP/1.1), or its URL, parameters or body do not match the route.',
  HEADERS_TOO_LARGE: 'The request line and headers are larger than the server allows (16 KiB by default).',
  REQUEST_TIMEOUT: 'The request line, headers or body did not arrive in full in the time the server allows.',
  BODY_INVALID_JSON: 'The body is not valid JSON, is empty, or has a `__proto__` or `constructor.prototype` key.',
  BODY_TOO_DEEP: 'The body nests objects or arrays deeper than the server allows (default 16 levels).',
  BODY_TOO_LARGE: 'The body is larger than the server allows (default 64 KiB).',
  UNSUPPORTED_MEDIA_TYPE: 'The body is not `application/json`.',
  ROUTE_NOT_FOUND: 'No route has this method and path; GET /docs lists them.',
  NOT_READY: 'The server is starting, shutting down, or a store does not answer (GET /ready says which).',
  INTERNAL: 'An unexpected fault in the server; the message says what. Please report it.',
} as const;
export type HttpErrorCode = keyof typeof httpErrors;

/** The HTTP status of every code; a code not listed is a bug and answers 500. */
export const errorStatus: Readonly<Record<string, number>> = {
  // Bad requests: the caller can fix them.
  INVALID_REQUEST: 400,
  INVALID_EVENT: 400,
  UNKNOWN_CHANNEL: 400,
  INVALID_CONTEXT: 400,
  INVALID_LIMIT: 400,
  INVALID_TIME: 400,
  INVALID_OUTCOME: 400,
  EVENT_TOO_LATE: 400,
  EVENT_IN_FUTURE: 400,
  BODY_INVALID_JSON: 400,
  BODY_INVALID_MSGPACK: 400,
  BODY_TOO_DEEP: 400,
  SUBSCRIBER_NOT_FOUND: 404,
  UNKNOWN_DECISION: 404,
  ROUTE_NOT_FOUND: 404,
  CONFIG_VERSION_NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  ACTION_NOT_IN_DECISION: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFIG_INVALID: 422,
  HEADERS_TOO_LARGE: 431,
  ...authErrorStatus,
  // The server could not answer now; the same request may succeed later.
  PROFILE_STORE_UNAVAILABLE: 503,
  CONTACT_HISTORY_UNAVAILABLE: 503,
  EVENT_DEDUPE_UNAVAILABLE: 503,
  NOT_READY: 503,
  INTERNAL: 500,
};

const statusLines = new Map<number, string>();

/** A status and its reason phrase, as a status line has them: `statusLine(404) === '404 Not Found'`. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
    statusLines.set(status, line);
  }
  return line;
}

/** The HTTP status for an error code (500 for a code nobody listed). */
export function statusOf(code: string): number {
  return errorStatus[code] ?? 500;
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string; problems?: unknown[] };
}

/** `{ error: { code, message, field? } }`, without a `field` key when there is none. */
export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/**
 * An error a hook or plugin can throw to answer with a code: the app's error handler sends
 * `{ error: { code, message, field } }` with the code's status.
 *
 * @example throw new ApiError('NOT_READY', 'the profile store does not answer');
 */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusOf(code);
  }
}
