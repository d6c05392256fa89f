// Log lines without subscriber phone numbers: every line the server logs is masked on its way to the stream, so an
// MSISDN in a URL, a message, an error or an outbound send never reaches the log whole. And one line per request.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** What the server's logger writes to (stdout by default; a test captures it). */
export interface LogStream {
  write(line: string): unknown;
}

export interface LogOptions {
  /** pino level: fatal, error, warn, info (default), debug, trace, silent. */
  level?: string;
  stream?: LogStream;
}

const MASK = '••••';
/** `+` (or `%2B` in a URL) and 8 to 15 digits: an E.164 number. Shorter runs (`+02:00`, `1e+21`) are left alone. */
const PHONE = /(\+|%2B)(\d{4,11})\d{4}(?!\d)/gi;
/** An `msisdn` field in a JSON line, in any format (`0612345678`, `31612345678`). */
const MSISDN_FIELD = /("msisdn"\s*:\s*")([^"]*)"/gi;
/** An `msisdn` query parameter in a logged URL. */
const MSISDN_PARAM = /([?&]msisdn=)([^&\s"]*)/gi;

const maskTail = (value: string) => (value.endsWith(MASK) ? value : `${value.slice(0, -4)}${MASK}`);

/**
 * Masks the last four digits of every phone number and `msisdn` value in a string; idempotent.
 *
 * @example
 * maskMsisdn('{"msisdn":"+31612345678"}'); // '{"msisdn":"+3161234••••"}'
 */
export function maskMsisdn(text: string): string {
  if (!text.includes('+') && !/%2B|msisdn/i.test(text)) return text;
  return text
    .replace(PHONE, (_, plus: string, head: string) => `${plus}${head}${MASK}`)
    .replace(MSISDN_FIELD, (_, key: string, value: string) => `${key}${maskTail(value)}"`)
    .replace(MSISDN_PARAM, (_, key: string, value: string) => `${key}${maskTail(value)}`);
}

/** A stream that masks each line before `target` gets it. */
export function maskingStream(target: LogStream): LogStream {
  return { write: (line: string) => target.write(maskMsisdn(line)) };
}

/** Fastify's `logger` option: pino at `level`, every line masked; `false` turns logging off. */
export function loggerOptions(options: LogOptions | false | undefined): false | { level: string; stream: LogStream } {
  if (options === false) return false;
  return { level: options?.level ?? 'info', stream: maskingStream(options?.stream ?? process.stdout) };
}

/**
 * Fastify's request logging in one line per request instead of two: no `incoming request` line, and the
 * `request completed` (or `request errored`) line carries the request (method, URL, host, remote address) as well as
 * the status and time. A request log line costs about 10 µs of a decision's ~100 (serialised, then masked).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
