// The WebSocket stream's own codes and close codes, as data (the shared BODY_* and AUTH_* codes are the HTTP ones).

/** Codes only the stream answers with, in `{ type: 'error', error: { code } }` frames. */
export const streamErrors = {
  STREAM_INVALID_MESSAGE:
    'A frame is not an object with a string or number `id` and a `type`, or a field of the message is missing, of the wrong type or unknown; `field` names it.',
  STREAM_UNKNOWN_TYPE: 'The message `type` is not one of decide, subscribe, unsubscribe, ping.',
  STREAM_TOO_MANY_SUBSCRIPTIONS:
    'The connection already has as many subscriptions as the server allows (maxSubscriptions).',
  STREAM_TOO_MANY_IN_FLIGHT:
    'The connection already has as many decide and subscribe messages waiting for an answer as the server allows (maxInFlight); wait for answers before sending more.',
  STREAM_UPGRADE_REQUIRED: 'A plain HTTP request reached /v1/stream; it only accepts a WebSocket upgrade.',
} as const;
export type StreamErrorCode = keyof typeof streamErrors;

/** The codes a stream error frame can carry: the stream's own, and the shared ones it reuses. */
export type StreamFrameErrorCode =
  | StreamErrorCode
  | 'BODY_INVALID_JSON'
  | 'BODY_INVALID_MSGPACK'
  | 'BODY_TOO_DEEP'
  | 'AUTH_FORBIDDEN'
  | 'INTERNAL';

/** The HTTP status each code stands for: what the stream's request metrics record for a refused message. */
export const streamErrorStatus: Readonly<Record<StreamFrameErrorCode, number>> = {
  STREAM_INVALID_MESSAGE: 400,
  STREAM_UNKNOWN_TYPE: 400,
  STREAM_TOO_MANY_SUBSCRIPTIONS: 429,
  STREAM_TOO_MANY_IN_FLIGHT: 429,
  STREAM_UPGRADE_REQUIRED: 426,
  BODY_INVALID_JSON: 400,
  BODY_INVALID_MSGPACK: 400,
  BODY_TOO_DEEP: 400,
  AUTH_FORBIDDEN: 403,
  INTERNAL: 500,
};

/**
 * Close codes and reasons the server ends a connection with. Two closes are uWebSockets.js's own and carry no
 * reason: a frame over `maxPayloadLength` and a text frame that is not UTF-8 drop the connection at once (the
 * client sees 1006, abnormal closure), and a connection silent past `idleTimeoutSeconds` is dropped too.
 */
export const streamCloseCodes = {
  /** The client read too slowly: its unsent frames passed `maxBackpressure`. Reconnect and resubscribe. */
  STREAM_BACKPRESSURE: 4008,
  /** The server is shutting down (1001, going away). Reconnect to another node or later. */
  STREAM_SERVER_CLOSING: 1001,
  /** The connection's API key was revoked. Reconnecting with it is refused (401); a new key is needed. */
  STREAM_KEY_REVOKED: 4401,
} as const;
export type StreamCloseReason = keyof typeof streamCloseCodes;

/** What the close reasons mean, for docs/errors.md. */
export const streamCloseReasons: Readonly<Record<StreamCloseReason, string>> = {
  STREAM_BACKPRESSURE:
    'Close code 4008: the client stopped reading and the frames waiting for it passed maxBackpressure (1 MB by default).',
  STREAM_SERVER_CLOSING: 'Close code 1001: the server is shutting down.',
  STREAM_KEY_REVOKED: 'Close code 4401: the API key the connection was opened with was revoked (DELETE /v1/keys/:id).',
};

/** An error frame's `error`. */
export interface StreamError {
  code: StreamFrameErrorCode | (string & {});
  message: string;
  field?: string;
}

/** A stream error with the catalogue's message, or a more precise one. */
export function streamError(code: StreamFrameErrorCode, message?: string, field?: string): StreamError {
  const error: StreamError = {
    code,
    message: message ?? (code in streamErrors ? streamErrors[code as StreamErrorCode] : code),
  };
  if (field !== undefined) error.field = field;
  return error;
}
