// Readiness: the config is loaded and the stores answer, and the server is not shutting down.
import { errorMessage } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

export interface Readiness {
  ready: true;
  configVersion: string;
}

/** How long a store may take to answer the readiness probe. */
const PROBE_MS = 1_000;
const PROBE_ID = '__arbiter_readiness_probe__';

/**
 * 200 when ready; 503 NOT_READY naming what is not (shutting down, the profile store, contact history).
 *
 * @example const { status } = await ready(runtime);
 */
export function ready(runtime: Runtime): Promise<HandlerResult<Readiness>> {
  return guarded(async () => {
    if (runtime.closing) return failure({ code: 'NOT_READY', message: 'the server is shutting down' });
    const config = runtime.config.current();
    const problems = (
      await Promise.all([
        probe('profile store', () => runtime.profiles.get(PROBE_ID)),
        probe('contact history', () => runtime.history.load(PROBE_ID)),
      ])
    ).filter((p) => p !== undefined);
    if (problems.length > 0) return failure({ code: 'NOT_READY', message: problems.join('; ') });
    return { status: 200, body: { ready: true as const, configVersion: config.version } };
  });
}

async function probe(name: string, read: () => unknown): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${name}: no answer within ${PROBE_MS} ms`), PROBE_MS);
  });
  try {
    return await Promise.race([Promise.resolve(read()).then(() => undefined), timeout]);
  } catch (error) {
    return `${name}: ${errorMessage(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
