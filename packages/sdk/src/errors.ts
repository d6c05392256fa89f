// The errors the SDK throws: one class for the server's answers (typed by code), and distinct timeout and network errors.

/** The codes the server answers with, and the HTTP status of each (docs/errors.md); STREAM_* come in stream frames. */
export const serverErrorCodes = {
  INVALID_REQUEST: 400,
  UNKNOWN_CHANNEL: 400,
  INVALID_CONTEXT: 400,
  INVALID_LIMIT: 400,
  INVALID_TIME: 400,
  INVALID_OUTCOME: 400,
  INVALID_EVENT: 400,
  EVENT_TOO_LATE: 400,
  EVENT_IN_FUTURE: 400,
  BODY_INVALID_JSON: 400,
  BODY_INVALID_MSGPACK: 400,
  BODY_TOO_DEEP: 400,
  AUTH_MISSING_KEY: 401,
  AUTH_INVALID_KEY: 401,
  AUTH_FORBIDDEN: 403,
  SUBSCRIBER_NOT_FOUND: 404,
  UNKNOWN_DECISION: 404,
  ROUTE_NOT_FOUND: 404,
  CONFIG_VERSION_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  CAMPAIGN_NOT_FOUND: 404,
  CAMPAIGN_RUN_NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  ACTION_NOT_IN_DECISION: 409,
  CAMPAIGN_RUN_ACTIVE: 409,
  CAMPAIGN_NO_CHANNEL: 409,
  CAMPAIGN_RESUME_REFUSED: 409,
  CAMPAIGN_RULES_CHANGED: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFIG_INVALID: 422,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PROFILE_STORE_UNAVAILABLE: 503,
  CONTACT_HISTORY_UNAVAILABLE: 503,
  EVENT_DEDUPE_UNAVAILABLE: 503,
  NOT_READY: 503,
  CAMPAIGN_LEASE_UNAVAILABLE: 503,
  STREAM_INVALID_MESSAGE: 400,
  STREAM_UNKNOWN_TYPE: 400,
  STREAM_UPGRADE_REQUIRED: 426,
  STREAM_TOO_MANY_SUBSCRIPTIONS: 429,
  STREAM_TOO_MANY_IN_FLIGHT: 429,
  /** Not a frame: the stream's close reason (close code 4401) when the key it was opened with is revoked. */
  STREAM_KEY_REVOKED: 401,
} as const;

export type ServerErrorCode = keyof typeof serverErrorCodes;

/**
 * Codes the SDK gives itself: no answer in time, no connection, an answer that is not the server's error shape
 * (a proxy's HTML page, say), or a subscription callback that threw.
 */
export type ClientErrorCode = 'TIMEOUT' | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE' | 'CALLBACK_FAILED';

/** Every code an `ArbiterError` can carry. A newer server may send a code this SDK does not know yet. */
export type ArbiterErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

export interface ArbiterErrorInit {
  code: ArbiterErrorCode;
  message: string;
  /** HTTP status of the answer; 0 when there was none (timeout, network). */
  status: number;
  field?: string;
  /** CONFIG_INVALID lists every problem; kept as the server sent it. */
  problems?: unknown[];
  cause?: unknown;
}

/** An error the server answered with (`{ error: { code, message, field? } }`), or one of the SDK's own. */
export class ArbiterError extends Error {
  readonly code: ArbiterErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly problems?: unknown[];

  constructor(init: ArbiterErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ArbiterError';
    this.code = init.code;
    this.status = init.status;
    if (init.field !== undefined) this.field = init.field;
    if (init.problems !== undefined) this.problems = init.problems;
  }
}

/** No answer within the call's `timeoutMs` (every attempt timed out). */
export class ArbiterTimeoutError extends ArbiterError {
  constructor(message: string, cause?: unknown) {
    super({ code: 'TIMEOUT', status: 0, message, cause });
    this.name = 'ArbiterTimeoutError';
  }
}

/** The request could not reach the server, or the connection broke before an answer came. */
export class ArbiterNetworkError extends ArbiterError {
  constructor(message: string, cause?: unknown) {
    super({ code: 'NETWORK_ERROR', status: 0, message, cause });
    this.name = 'ArbiterNetworkError';
  }
}

/**
 * Narrows an unknown error to an `ArbiterError`, optionally with one of the given codes.
 * @example if (isArbiterError(error, 'SUBSCRIBER_NOT_FOUND')) showEmptyState();
 */
export function isArbiterError<C extends ArbiterErrorCode>(
  error: unknown,
  ...codes: C[]
): error is ArbiterError & { code: C } {
  return error instanceof ArbiterError && (codes.length === 0 || (codes as ArbiterErrorCode[]).includes(error.code));
}

/** Turns a server error body into an `ArbiterError`; anything else becomes UNEXPECTED_RESPONSE. */
export function errorFromBody(status: number, body: unknown): ArbiterError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ArbiterError({
      code: error.code,
      message: error.message,
      status,
      ...(typeof error.field === 'string' ? { field: error.field } : {}),
      ...(Array.isArray(error.problems) ? { problems: error.problems } : {}),
    });
  }
  return new ArbiterError({
    code: 'UNEXPECTED_RESPONSE',
    message: `the server answered ${status} without an error body`,
    status,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
