// Public API of triggered mode: trigger config, the runner, debounce and the outbound Channel interface.
export type { Channel, DeliveryResult, OutboundMessage } from './channel.js';
export { type CompiledTrigger, compileTriggers } from './compile-triggers.js';
export { type DebounceStore, InMemoryDebounceStore } from './debounce-store.js';
export {
  createTriggerRunner,
  type TriggerEvent,
  type TriggerResult,
  type TriggerRunner,
  type TriggerRunnerOptions,
  type TriggerStatus,
} from './trigger-runner.js';
export { type TriggerSpec, type TriggersFile, TriggersFileSchema } from './triggers-schema.js';
