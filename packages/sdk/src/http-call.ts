// One HTTP call to the server: JSON in and out, a timeout on every attempt, retries with backoff where allowed.
import { backoffDelay, sleep } from './backoff.js';
import { ArbiterError, ArbiterNetworkError, ArbiterTimeoutError, errorFromBody } from './errors.js';

/** The client-wide settings every call starts from. */
export interface HttpSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  fetch: typeof fetch;
  random?: () => number;
}

/** Per-call overrides. */
export interface CallOptions {
  /** Per attempt, in ms. */
  timeoutMs?: number;
  /**
   * Extra attempts after the first. Idempotent calls default to the client's `retries`; decide and recordOutcome
   * default to 0, and passing a number here is the caller accepting that a retry may apply the call twice.
   */
  retries?: number;
  /** Cancels the call (and its retries); the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Safe to send twice: only idempotent calls retry by default. */
  idempotent: boolean;
}

/** Statuses that say "not now" rather than "no": worth another attempt. 500 is a bug, and repeating it rarely helps. */
const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

/** Sends a request, retrying timeouts, network errors and 408/429/502/503/504 answers when allowed. */
export async function httpCall<T>(settings: HttpSettings, request: HttpRequest, options: CallOptions = {}): Promise<T> {
  const retries = options.retries ?? (request.idempotent ? settings.retries : 0);
  for (let attempt = 0; ; attempt++) {
    try {
      return (await attemptOnce(settings, request, options)) as T;
    } catch (error) {
      if (attempt >= retries || !retryable(error) || options.signal?.aborted) throw error;
      const backoff = backoffDelay(attempt, {
        baseMs: settings.retryBaseMs,
        maxMs: settings.retryMaxMs,
        ...(settings.random ? { random: settings.random } : {}),
      });
      const after = error instanceof ArbiterError ? retryAfterMs.get(error) : undefined;
      await sleep(Math.min(Math.max(backoff, after ?? 0), settings.retryMaxMs), options.signal);
    }
  }
}

function retryable(error: unknown): boolean {
  if (error instanceof ArbiterTimeoutError || error instanceof ArbiterNetworkError) return true;
  return error instanceof ArbiterError && RETRY_STATUSES.has(error.status);
}

/** Retry-After of a 429 or 503, kept beside the error rather than on it: it only steers the retry loop. */
const retryAfterMs = new WeakMap<ArbiterError, number>();

async function attemptOnce(settings: HttpSettings, request: HttpRequest, options: CallOptions): Promise<unknown> {
  const { method, path } = request;
  const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${settings.apiKey}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await settings.fetch(`${settings.baseUrl}${path}`, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: controller.signal,
    });
    // The body is read under the same timeout: a server that sends headers and then stalls is still a timeout.
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) {
      const error = errorFromBody(response.status, body);
      const after = parseRetryAfter(response.headers.get('retry-after'));
      if (after !== undefined) retryAfterMs.set(error, after);
      throw error;
    }
    if (body === INVALID) {
      throw new ArbiterError({
        code: 'UNEXPECTED_RESPONSE',
        message: `${method} ${path}: the server answered ${response.status} with a body that is not JSON`,
        status: response.status,
      });
    }
    return body;
  } catch (error) {
    if (error instanceof ArbiterError) throw error;
    if (timedOut) throw new ArbiterTimeoutError(`${method} ${path}: no answer within ${timeoutMs} ms`, error);
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = error instanceof Error ? describe(error) : String(error);
    throw new ArbiterNetworkError(`${method} ${path}: ${reason}`, error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : undefined;
}

/** Node's fetch says only "fetch failed"; the cause has the useful part (ECONNREFUSED, a reset socket). */
function describe(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? `${code}: ` : ''}${cause.message})`;
  }
  return error.message;
}
