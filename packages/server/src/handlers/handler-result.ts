// What every handler returns: an HTTP-style status and a body, never a thrown error.
import { errorMessage } from '@arbiter/engine';
import { type ErrorBody, errorBody, statusOf } from '../http/errors.js';

/** A handler's answer: `status` and `body` (`{ error: { code, message, field? } }` for any status >= 400). */
export interface HandlerResult<T = unknown> {
  status: number;
  body: T | ErrorBody;
}

/** The answer for an error code from the engine or the server (its status from the code catalogue). */
export function failure(error: { code: string; message: string; field?: string }): HandlerResult<never> {
  return { status: statusOf(error.code), body: errorBody(error.code, error.message, error.field) };
}

/** Where a fault is reported: the server's logger, or a Fastify request's. */
export interface FaultLog {
  error(object: object, message?: string): void;
}

/**
 * Logs a 500 answer at error level with its code and message: a fault is a bug, and the client is only told that
 * the log has it. Every transport calls it on what a handler answered (HTTP, uWS HTTP, the stream).
 *
 * @example logFault(runtime.logger, result, { url: '/v1/decisions', port: 'stream' });
 */
export function logFault(log: FaultLog, result: HandlerResult, where: Record<string, unknown>): void {
  if (result.status !== 500) return;
  const error = (result.body as Partial<ErrorBody> | null)?.error;
  log.error({ ...where, code: error?.code, detail: error?.message }, 'request failed');
}

/** Runs a handler body; a fault (a bug) becomes 500 INTERNAL, so a handler never throws. */
export async function guarded<T>(run: () => Promise<HandlerResult<T>> | HandlerResult<T>): Promise<HandlerResult<T>> {
  try {
    return await run();
  } catch (error) {
    return failure({ code: 'INTERNAL', message: errorMessage(error) });
  }
}
