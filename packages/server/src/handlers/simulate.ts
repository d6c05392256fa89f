// Simulation: an explained decision on the current config that records nothing, for analysts trying a profile.
import type { Decision } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `input` is a DecisionRequest without `explain` (always on). With an inline `profile`, the decision sees no
 * contact history; with a `subscriberId`, it reads the stored profile and contact history. Either way nothing is
 * written: no decision log entry (outcomes against it get UNKNOWN_DECISION), no contact, no recent decision.
 *
 * @example await simulate(runtime, { profile: { subscriberId: 'what-if', plan: 'unlimited' }, channel: 'app' });
 */
export function simulate(runtime: Runtime, input: unknown, _caller?: Caller): Promise<HandlerResult<Decision>> {
  return guarded(async () => {
    if (!isObject(input)) return failure({ code: 'INVALID_REQUEST', message: 'the request must be an object' });
    if ('explain' in input) {
      const message = 'simulate always explains; leave out "explain"';
      return failure({ code: 'INVALID_REQUEST', message, field: 'explain' });
    }
    const engine = runtime.simulator(input.profile === undefined ? 'stored' : 'inline');
    const result = await engine.decide({ ...input, explain: true });
    if (!result.ok) return failure(result.error);
    return { status: 200, body: result.decision };
  });
}
