// The slice of the WebSocket API the stream uses: the browser's global and the `ws` package both fit it.

/** A message as both implementations deliver it: `data` is a string for text frames. */
export interface MessageLike {
  data: unknown;
}

/**
 * What the stream needs from a socket. Handlers take `never` so that any implementation's handler types fit
 * (a browser `MessageEvent`, `ws`'s own event classes); the stream's handlers read only `data`, `code` and `reason`.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/**
 * A WebSocket class: `globalThis.WebSocket` in browsers, `import { WebSocket } from 'ws'` in Node. The third argument
 * (headers) is only passed with `streamAuth: 'header'`, which only `ws` understands.
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers: Record<string, string> },
) => WebSocketLike;

/** readyState of an open socket (the same number in every implementation). */
export const OPEN = 1;
