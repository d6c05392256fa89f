// JSON POST routes over uWebSockets.js HTTP on the stream port (POST /v1/decisions): the steps Fastify's route takes,
// each from the same shared code: the gate (key, rate, role), the body limit, the JSON parse and the schema check,
// the handler, the metrics and the masked log; only the reading and writing of bytes is uWS's own.
import { performance } from 'node:perf_hooks';
import type { TSchema } from '@sinclair/typebox';
import type { HttpRequest, HttpResponse, TemplatedApp } from '@trufflesuite/uws-js-unofficial';
import { type HandlerResult, logFault } from '../handlers/handler-result.js';
import { errorBody, statusLine } from '../http/errors.js';
import { bodyMessages, isJsonMediaType, parseJsonBody } from '../http/json-body.js';
import { compileBodyCheck } from '../http/validation.js';
import type { Runtime } from '../runtime/runtime.js';
import { keyFrom } from '../security/authorize.js';
import type { Caller } from '../security/caller.js';
import { forEachGateHeader, type Gate, type GateAnswer } from '../security/gate.js';
import type { Role } from '../security/roles.js';

/** A route as data (the Fastify port registers the same object): path, role, body schema, handler. */
export interface JsonPostRoute {
  url: string;
  role: Role;
  body: TSchema;
  handler(runtime: Runtime, input: unknown, caller: Caller): Promise<HandlerResult>;
}

export interface UwsHttpOptions {
  runtime: Runtime;
  /** The HTTP port's gate: the same keys, roles and per-key rate budget on both ports. */
  gate: Gate;
  routes: readonly JsonPostRoute[];
  /** Largest body in bytes (the HTTP port's, default 64 KiB): past it, 413 BODY_TOO_LARGE. */
  bodyLimit?: number;
  /** Deepest nesting in a body (the HTTP port's, default 16): past it, 400 BODY_TOO_DEEP. */
  maxDepth?: number;
}

/** What the stream server lends the routes: whether it is closing, and a way to track answers in flight. */
export interface UwsHttpHost {
  closing(): boolean;
  track(work: Promise<unknown>): void;
}

type BodyError = { code: string; message: string; field?: string };

const METHOD = 'POST';
const JSON_TYPE = 'application/json; charset=utf-8';
const KIB = 1024;
/** A client still sending this many times the limit is answered and disconnected rather than read on. */
const DRAIN_FACTOR = 16;

/** A request as read in the uWS callback (the HttpRequest is only valid until it returns). */
interface Pending {
  started: number;
  answer: GateAnswer;
  contentType: string;
  size: number;
  chunks: Buffer[];
  /** Answered or the client went away: nothing more is written. */
  aborted: boolean;
  /** End the connection with the answer (a client sending far past the limit). */
  close: boolean;
}

/**
 * Mounts every route on the uWS app. The answer is what the HTTP port gives for the same request: status, body,
 * rate limit and `www-authenticate` headers, `application/json; charset=utf-8`.
 *
 * @example mountJsonRoutes(app, { runtime, gate, routes: [decideRoute] }, host);
 */
export function mountJsonRoutes(app: TemplatedApp, options: UwsHttpOptions, host: UwsHttpHost): void {
  const bodyLimit = options.bodyLimit ?? 64 * KIB;
  const maxDepth = options.maxDepth ?? 16;
  const { runtime, gate } = options;
  for (const route of options.routes) {
    const check = compileBodyCheck(route.body);
    const finish = (res: HttpResponse, request: Pending, status: number, body: unknown) => {
      if (request.aborted) return;
      request.aborted = true; // answered: nothing more is written
      res.cork(() => {
        res.writeStatus(statusLine(status));
        forEachGateHeader(request.answer, (name, value) => res.writeHeader(name, value));
        res.writeHeader('content-type', JSON_TYPE);
        // While closing, every answer ends its connection (the HTTP port does the same).
        res.end(JSON.stringify(body), request.close || host.closing());
      });
      runtime.metrics.response(route.url, METHOD, status, performance.now() - request.started);
    };
    const refuse = (res: HttpResponse, request: Pending, error: BodyError, status: number) => {
      // Logged as the HTTP port's error handler logs a refused body: at info, with the code and the field.
      runtime.logger.info({ code: error.code, field: error.field, url: route.url, port: 'stream' }, error.message);
      finish(res, request, status, errorBody(error.code, error.message, error.field));
    };
    const answer = (res: HttpResponse, request: Pending, caller: Caller, text: string | undefined) => {
      let value: unknown;
      if (text !== undefined) {
        const parsed = parseJsonBody(text, maxDepth);
        if (!parsed.ok) return refuse(res, request, parsed.error, parsed.error.statusCode);
        value = parsed.value;
      }
      const checked = check(value);
      if (checked.error) return refuse(res, request, checked.error, checked.error.statusCode);
      const work = route.handler(runtime, checked.value, caller).then(
        (result) => {
          logFault(runtime.logger, result, { url: route.url, port: 'stream' });
          finish(res, request, result.status, result.body);
        },
        (thrown: unknown) => {
          // A handler never throws; if one does, the same 500 as the HTTP port's error handler, and the log has it.
          runtime.logger.error({ err: thrown, url: route.url, port: 'stream' }, 'request failed');
          finish(res, request, 500, errorBody('INTERNAL', 'an unexpected fault; the server log has it'));
        },
      );
      host.track(work);
    };
    // In the HTTP port's order: the gate, the media type, the size, the JSON, the schema.
    const onBody = (res: HttpResponse, request: Pending) => {
      const { answer: gateAnswer, contentType, size } = request;
      if (!gateAnswer.ok) return finish(res, request, gateAnswer.status, { error: gateAnswer.error });
      const bodiless = contentType === '' && size === 0; // the schema check says what is missing
      if (!bodiless && !isJsonMediaType(contentType)) {
        return refuse(res, request, { code: 'UNSUPPORTED_MEDIA_TYPE', message: bodyMessages.mediaType }, 415);
      }
      if (size > bodyLimit) {
        return refuse(res, request, { code: 'BODY_TOO_LARGE', message: bodyMessages.tooLarge(bodyLimit) }, 413);
      }
      const { chunks } = request;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      answer(res, request, gateAnswer.caller, bodiless ? undefined : text);
    };

    app.post(route.url, (res: HttpResponse, req: HttpRequest) => {
      const started = performance.now();
      runtime.metrics.request(route.url, METHOD);
      if (host.closing()) {
        const body = errorBody('NOT_READY', 'the server is shutting down');
        res.writeStatus(statusLine(503)).writeHeader('content-type', JSON_TYPE).end(JSON.stringify(body), true);
        runtime.metrics.response(route.url, METHOD, 503, performance.now() - started);
        return;
      }
      // Everything the request tells is read now: the HttpRequest dies when this callback returns.
      const key = keyOf(req);
      const request: Pending = {
        started,
        answer: gate.check(key, route.role),
        contentType: req.getHeader('content-type'),
        size: 0,
        chunks: [],
        aborted: false,
        close: false,
      };
      res.onAborted(() => {
        request.aborted = true;
      });
      // The body is read even for a refused request (and dropped), so the connection stays usable, as on the
      // HTTP port; a refused or oversized body is not kept.
      res.onData((chunk, isLast) => {
        if (request.aborted) return;
        request.size += chunk.byteLength;
        if (request.answer.ok && request.size <= bodyLimit) {
          // Copied: uWS reuses the chunk's memory once this callback returns.
          request.chunks.push(Buffer.from(new Uint8Array(chunk)));
        } else if (request.size > bodyLimit * DRAIN_FACTOR) {
          request.close = true;
          onBody(res, request);
          return;
        }
        if (isLast) onBody(res, request);
      });
    });
  }
}

/** The key as the HTTP port reads it: `authorization: Bearer <key>`, else `x-api-key`. */
function keyOf(req: HttpRequest): string | undefined {
  const authorization = req.getHeader('authorization');
  const apiKey = req.getHeader('x-api-key');
  return keyFrom(authorization === '' ? undefined : authorization, apiKey === '' ? undefined : apiKey);
}
