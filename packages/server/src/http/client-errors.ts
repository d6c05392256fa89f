// Requests Node's HTTP parser refuses (an unknown method, a bad Content-Length or Transfer-Encoding, a forbidden
// character in a header, a malformed chunk, headers too large, ...) never reach Fastify: there is no request and no
// reply, only the socket. They get the API's error shape all the same, written as a raw HTTP answer on the socket.
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { type ErrorBody, errorBody, statusLine, statusOf } from './errors.js';

/** What the parser's codes (llhttp's `HPE_*`) mean, said to the caller; others say the parser's reason. */
const PARSE_MESSAGES: Readonly<Record<string, string>> = {
  HPE_INVALID_METHOD: 'the request method is not an HTTP method (GET /docs lists the routes)',
  HPE_INVALID_URL: 'the request target is not a path starting with /',
  HPE_INVALID_VERSION: 'the HTTP version is not 1.0 or 1.1',
  HPE_INVALID_CONTENT_LENGTH: 'the content-length header is not a whole number of bytes',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'content-length is given more than once, or together with transfer-encoding',
  HPE_INVALID_TRANSFER_ENCODING:
    'transfer-encoding does not end with chunked, or comes together with content-length (send one of them)',
  HPE_INVALID_HEADER_TOKEN: 'a header name or value has a character HTTP does not allow (a space in a name, a NUL)',
  HPE_INVALID_CHUNK_SIZE: 'a chunk of the chunked body does not start with its size in hexadecimal',
};

/** The error Node passes to `clientError` (a parse error carries llhttp's `HPE_*` code and its reason). */
export interface ClientError {
  code?: unknown;
  reason?: unknown;
  message?: unknown;
}

/**
 * The status and body for a request the HTTP parser refused or that timed out before it was read, or undefined
 * when the connection is gone (reset by the client, a broken pipe) and nothing can be answered.
 */
export function clientErrorAnswer(error: ClientError): { status: number; body: ErrorBody } | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: statusOf('HEADERS_TOO_LARGE'),
      body: errorBody(
        'HEADERS_TOO_LARGE',
        `the request line and headers are larger than the server allows (${Math.floor(maxHeaderSize / 1024)} KiB)`,
      ),
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: statusOf('REQUEST_TIMEOUT'),
      body: errorBody('REQUEST_TIMEOUT', 'the request did not arrive in full in the time the server allows'),
    };
  }
  const reason = typeof error.reason === 'string' ? error.reason : undefined;
  const message = PARSE_MESSAGES[code] ?? `the request is not valid HTTP/1.1 (${reason ?? (code || 'parse error')})`;
  return { status: statusOf('INVALID_REQUEST'), body: errorBody('INVALID_REQUEST', message) };
}

/**
 * Fastify's `clientErrorHandler`: answers `{ error: { code, message } }` on the raw socket (400 INVALID_REQUEST
 * for a parse error, 431 HEADERS_TOO_LARGE, 408 REQUEST_TIMEOUT) with `connection: close`, then closes it. Like
 * Fastify's default, a reset connection or a broken pipe gets no answer; nor does a socket whose in-flight response
 * already started (another status line would corrupt it). The raw packet is never logged: it may hold an API key.
 */
export function answerClientError(error: ClientError, socket: Socket, log?: FastifyBaseLogger): void {
  const answer = socket.destroyed ? undefined : clientErrorAnswer(error);
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (answer && socket.writable && !inFlight?.headersSent) {
    log?.debug({ code: answer.body.error.code, cause: error.code }, answer.body.error.message);
    socket.write(rawAnswer(answer.status, answer.body));
  }
  if (!socket.destroyed) socket.destroy();
}

/** A whole HTTP/1.1 answer: status line, headers, JSON body. */
function rawAnswer(status: number, body: ErrorBody): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${statusLine(status)}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(json)}`,
    'connection: close',
    '',
    json,
  ].join('\r\n');
}
