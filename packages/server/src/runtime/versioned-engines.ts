// One engine (and trigger runner, and simulation engines) per config snapshot, built on first use after a swap,
// all sharing the same stores: an outcome for a decision made on the previous version still lands.
import {
  type Channel,
  type ConfigSnapshot,
  type ContactHistory,
  createEngine,
  createTriggerRunner,
  type DebounceStore,
  type DecisionLog,
  type Engine,
  type EventDedupe,
  InMemoryContactHistory,
  InMemoryProfileStore,
  type ProfileStore,
  type TriggerRunner,
} from '@arbiter/engine';
import type { RuntimeLogger } from './runtime-parts.js';

export interface VersionedEnginesOptions {
  /** Where the current snapshot comes from (the config manager). */
  config: { current(): ConfigSnapshot };
  profiles: ProfileStore;
  history: ContactHistory;
  decisionLog: DecisionLog;
  dedupe: EventDedupe;
  debounce: DebounceStore;
  /** The outbound channels for a snapshot's trigger runner. */
  channels: (config: ConfigSnapshot) => readonly Channel[];
  clock: () => number;
  logger: () => RuntimeLogger;
}

/** How a simulation sees the world: an inline profile with no history, or a stored subscriber read-only. */
export type SimulationMode = 'inline' | 'stored';

interface Built {
  config: ConfigSnapshot;
  engine: Engine;
  runner: TriggerRunner;
  simulators: Partial<Record<SimulationMode, Engine>>;
}

export interface VersionedEngines {
  /** The engine on the current snapshot. A request takes it once and uses it to the end. */
  engine(): Engine;
  /** The trigger runner over `engine()`. */
  runner(): TriggerRunner;
  /** An engine on the current snapshot that records nothing: no decision log, no contact history writes. */
  simulator(mode: SimulationMode): Engine;
  close(): void;
}

/**
 * @example
 * const engines = versionedEngines({ config, profiles, history, decisionLog, dedupe, debounce, channels, clock, logger });
 * await engines.engine().decide({ subscriberId: 'SUB-00000001', channel: 'app' });
 */
export function versionedEngines(options: VersionedEnginesOptions): VersionedEngines {
  let built: Built | undefined;
  /** Runners of earlier snapshots that still hold sends deferred by quiet hours: they fire on their own timers. */
  const retired: TriggerRunner[] = [];

  const current = (): Built => {
    const config = options.config.current();
    if (built?.config === config) return built;
    if (built) retire(built.runner);
    const engine = createEngine({
      config,
      profiles: options.profiles,
      history: options.history,
      decisionLog: options.decisionLog,
      clock: options.clock,
      events: { dedupe: options.dedupe },
      onDecisionLogError: (error) =>
        options.logger().warn({ err: error }, 'the decision log did not remember a decision'),
    });
    const runner = createTriggerRunner({
      engine,
      channels: options.channels(config),
      debounce: options.debounce,
      clock: options.clock,
    });
    built = { config, engine, runner, simulators: {} };
    return built;
  };

  const retire = (runner: TriggerRunner) => {
    for (let i = retired.length - 1; i >= 0; i--) {
      if (retired[i]!.deferred === 0) retired.splice(i, 1)[0]!.close();
    }
    if (runner.deferred === 0) runner.close();
    else retired.push(runner);
  };

  const simulator = (b: Built, mode: SimulationMode): Engine => {
    const cached = b.simulators[mode];
    if (cached) return cached;
    const history: ContactHistory =
      mode === 'inline' ? new InMemoryContactHistory() : { load: (id) => options.history.load(id), record: () => {} };
    const engine = createEngine({
      config: b.config,
      profiles: mode === 'inline' ? new InMemoryProfileStore() : options.profiles,
      history,
      decisionLog: { remember: () => {}, get: () => undefined },
      clock: options.clock,
    });
    b.simulators[mode] = engine;
    return engine;
  };

  return {
    engine: () => current().engine,
    runner: () => current().runner,
    simulator: (mode) => simulator(current(), mode),
    close() {
      built?.runner.close();
      for (const runner of retired.splice(0)) runner.close();
    },
  };
}
