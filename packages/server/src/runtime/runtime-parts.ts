// Small types the runtime and the handlers share: who is calling, and the logger seam.
export type { Role } from '../security/roles.js';

/**
 * Who is calling, as a handler sees it: the security part's `Caller` (HTTP) or the stream's (WebSocket) both fit.
 * Handlers take it for plugins and logs; the role was checked before the handler ran.
 */
export interface Caller {
  id: string;
  role: string;
  name: string;
}

/** A pino-shaped logger: the server's (Fastify's) once the app is built, a JSON-lines stdout one before. */
export interface RuntimeLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}
