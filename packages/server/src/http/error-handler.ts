// Every failed request answers `{ error: { code, message, field? } }`: Fastify's own errors (bad JSON, wrong
// content type, body too large, ...) are turned into the API's codes; only a fault of the server is a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, errorBody, statusOf } from './errors.js';
import { bodyMessages } from './json-body.js';

/** Fastify's codes for a bad request, as the API's codes. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BODY_INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST',
  FST_ERR_BAD_URL: 'INVALID_REQUEST',
  FST_ERR_VALIDATION: 'INVALID_REQUEST',
};

/** For a 4xx from a plugin that brings no code of ours, the code its status means. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  401: 'AUTH_INVALID_KEY',
  403: 'AUTH_FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const OUR_CODE = /^[A-Z][A-Z0-9_]*$/;

type ErrorLike = Partial<FastifyError> & { field?: unknown; problems?: unknown; validation?: unknown };

/** Installs the error and not-found handlers on `app` (and so on every plugin that does not set its own). */
export function registerErrorHandling(app: FastifyInstance, limits: { bodyLimit: number }): void {
  app.setErrorHandler((error: ErrorLike, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = answerFor(error, limits, request.id);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, field: body.error.field }, body.error.message);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; GET /docs lists them`),
      ),
  );
}

/** The status and body for an error thrown or passed on while handling a request. */
export function answerFor(
  error: ErrorLike,
  limits: { bodyLimit: number },
  requestId: string,
): {
  status: number;
  body: ErrorBody;
} {
  const code = typeof error.code === 'string' ? error.code : '';
  const field = typeof error.field === 'string' ? error.field : undefined;
  if (OUR_CODE.test(code) && !code.startsWith('FST_')) {
    const body = errorBody(code, error.message ?? code, field);
    if (Array.isArray(error.problems)) body.error.problems = error.problems;
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : statusOf(code);
    return { status, body };
  }
  const mapped = FASTIFY_CODES[code];
  if (mapped)
    return {
      status: statusOf(mapped) === 500 ? 400 : statusOf(mapped),
      body: errorBody(mapped, messageFor(mapped, error, limits)),
    };
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: errorBody(STATUS_CODES[status] ?? 'INVALID_REQUEST', error.message ?? 'bad request') };
  }
  return {
    status: 500,
    body: errorBody('INTERNAL', `an unexpected fault (request ${requestId}); the server log has it`),
  };
}

function messageFor(code: string, error: ErrorLike, limits: { bodyLimit: number }): string {
  switch (code) {
    case 'BODY_TOO_LARGE':
      return bodyMessages.tooLarge(limits.bodyLimit);
    case 'UNSUPPORTED_MEDIA_TYPE':
      return bodyMessages.mediaType;
    case 'BODY_INVALID_JSON':
      return error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? bodyMessages.empty : bodyMessages.invalid;
    default:
      return error.message ?? 'bad request';
  }
}
