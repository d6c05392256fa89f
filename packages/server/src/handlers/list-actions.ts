// The action catalog as the current config has it, optionally narrowed to a channel, issue or group.
import type { Treatment } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import type { Caller } from '../runtime/runtime-parts.js';
import { failure, guarded, type HandlerResult } from './handler-result.js';

export interface CatalogAction {
  id: string;
  name: string;
  kind: 'offer' | 'care' | 'message';
  issue: string;
  group: string;
  channels: string[];
  value: number;
  mandatory: boolean;
  validFrom?: string;
  validTo?: string;
  /** What is shown or sent, per channel, with `{{placeholders}}` as written. */
  treatments: Record<string, Treatment>;
}

export interface ActionCatalog {
  configVersion: string;
  actions: CatalogAction[];
}

export interface ActionFilter {
  channel?: string;
  issue?: string;
  group?: string;
}

/**
 * 200 with the catalog in file order; 400 UNKNOWN_CHANNEL for a channel the contact policy does not define.
 *
 * @example const { body } = await listActions(runtime, { channel: 'sms' });
 */
export function listActions(
  runtime: Runtime,
  filter: ActionFilter = {},
  _caller?: Caller,
): Promise<HandlerResult<ActionCatalog>> {
  return guarded((): HandlerResult<ActionCatalog> => {
    const config = runtime.config.current();
    if (filter.channel !== undefined && !config.channelActions.has(filter.channel)) {
      const message = `unknown channel "${filter.channel}" (known: ${config.channels.join(', ')})`;
      return failure({ code: 'UNKNOWN_CHANNEL', message, field: 'channel' });
    }
    const actions: CatalogAction[] = [];
    for (const { spec } of config.actions) {
      if (filter.channel !== undefined && !spec.channels.includes(filter.channel)) continue;
      if (filter.issue !== undefined && spec.issue !== filter.issue) continue;
      if (filter.group !== undefined && spec.group !== filter.group) continue;
      const action: CatalogAction = {
        id: spec.id,
        name: spec.name,
        kind: spec.kind,
        issue: spec.issue,
        group: spec.group,
        channels: [...spec.channels],
        value: spec.value,
        mandatory: spec.mandatory,
        treatments: spec.treatments,
      };
      if (spec.validFrom !== undefined) action.validFrom = spec.validFrom;
      if (spec.validTo !== undefined) action.validTo = spec.validTo;
      actions.push(action);
    }
    return { status: 200, body: { configVersion: config.version, actions } };
  });
}
