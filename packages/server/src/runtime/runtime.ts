// The runtime: everything a transport needs (the engine on the current config, stores, trigger runner, recent
// decisions, profile-change events), built once and shared by the HTTP app and the WebSocket server.
import { EventEmitter } from 'node:events';
import {
  type Channel,
  type ConfigSnapshot,
  type ContactHistory,
  type DebounceStore,
  type DecisionLog,
  type Engine,
  type EventDedupe,
  generatePopulation,
  InMemoryContactHistory,
  InMemoryDebounceStore,
  InMemoryDecisionLog,
  InMemoryEventDedupe,
  InMemoryProfileStore,
  type Profile,
  type ProfileStore,
  storyProfiles,
  type TriggerRunner,
} from '@arbiter/engine';
import { AuditLog } from '../admin/audit-log.js';
import { auditConfigChanges } from '../admin/config-audit.js';
import type { CampaignLeases } from '../campaigns/run-lease.js';
import { type ConfigManager, createConfigManager } from '../config-manager/config-manager.js';
import { type LogStream, maskingStream } from '../http/logging.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { ApiKeyStore } from '../security/api-keys.js';
import { logChannels } from './default-channels.js';
import { RecentDecisions, type RecentDecisionsOptions } from './recent-decisions.js';
import { type RuntimeStores, redisStores } from './redis-stores.js';
import type { RuntimeLogger } from './runtime-parts.js';
import { type SimulationMode, versionedEngines } from './versioned-engines.js';

export interface RuntimeOptions {
  /** The rules directory (the demo playbook is `rules`). */
  rulesDir: string;
  /** The config manager (default: one over `rulesDir`, keeping 10 versions; the caller starts its watch). */
  config?: ConfigManager;
  profiles?: ProfileStore;
  history?: ContactHistory;
  decisionLog?: DecisionLog;
  dedupe?: EventDedupe;
  debounce?: DebounceStore;
  /** A generated population in an in-memory profile store, plus the five story subscribers (demo mode). */
  population?: { count: number; seed: number };
  /** A Redis URL: profiles, contact history, decision log, dedupe and debounce go to Redis (stores given win). */
  redis?: string;
  /** Key prefix in Redis (default `arbiter:`). */
  redisPrefix?: string;
  clock?: () => number;
  /** Outbound channels for triggers (default: each outbound channel of the contact policy writes to the log). */
  channels?: readonly Channel[];
  /** API keys (default: an empty in-memory store). */
  keys?: ApiKeyStore;
  /** Config changes and admin actions (default: in memory, the last 1,000). */
  audit?: AuditLog;
  /** Prometheus metrics (default: a fresh registry with Node's process metrics). */
  metrics?: Metrics;
  logger?: RuntimeLogger;
  recent?: RecentDecisionsOptions;
}

/** What `runtime.events` emits. */
export interface RuntimeEvents {
  /** After an event changed a subscriber's profile (not for duplicates): WebSocket subscriptions listen. */
  'profile-changed': [subscriberId: string];
}

export interface Runtime {
  readonly rulesDir: string;
  /** The engine on the current config snapshot. Take it once per request. */
  engine(): Engine;
  /** The trigger runner over the current engine. */
  runner(): TriggerRunner;
  /** The outbound channels sends go through (the configured ones, else a log channel per outbound channel). */
  channels(): readonly Channel[];
  /** An engine on the current snapshot that records nothing (simulation). */
  simulator(mode: SimulationMode): Engine;
  readonly config: ConfigManager;
  readonly profiles: ProfileStore;
  readonly history: ContactHistory;
  readonly decisionLog: DecisionLog;
  readonly recent: RecentDecisions;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly clock: () => number;
  readonly keys: ApiKeyStore;
  readonly audit: AuditLog;
  /** The KPIs GET /metrics renders; the handlers count decisions and outcomes into it. */
  readonly metrics: Metrics;
  /** The server log; the app points it at its own (masked) logger. */
  logger: RuntimeLogger;
  /** True from the start of `close()`: readiness fails, so a load balancer stops sending. */
  readonly closing: boolean;
  /**
   * Claims a key for every server sharing the Redis stores (SET NX with a time to live): true for the first caller.
   * Undefined on the in-memory stores: one process, nothing to share.
   */
  readonly claimOnce?: (key: string, ttlMs: number) => Promise<boolean>;
  /** One live run per campaign across the servers sharing the Redis stores; undefined on the in-memory stores. */
  readonly campaignLeases?: CampaignLeases;
  /** Runs `task` first when the runtime closes (e.g. cancel campaign runs before the stores go). */
  onClose(task: () => Promise<void> | void): void;
  /** Stops the trigger runners, flushes buffered outcomes, decisions and profile writes, closes the stores. */
  close(): Promise<void>;
}

/**
 * Builds the runtime: loads and validates the config (throws `ConfigError` with every problem when it is bad), opens
 * the stores, and wires one engine per config version over them.
 *
 * @example
 * const runtime = await createRuntime({ rulesDir: 'rules', population: { count: 20_000, seed: 42 } });
 * const result = await runtime.engine().decide({ subscriberId: 'SUB-00000001', channel: 'app' });
 * await runtime.close();
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  let logger = options.logger ?? lineLogger(process.stdout);
  const log = () => logger;
  // Config changes are logged through whatever logger is current (the app's, once it is built).
  const configLogger = {
    info: (o: object, m: string) => logger.info(o, m),
    warn: (o: object, m: string) => logger.warn(o, m),
    error: (o: object, m: string) => logger.error(o, m),
  };
  const config = options.config ?? (await createConfigManager({ dir: options.rulesDir, logger: configLogger }));
  const snapshot = config.current();
  const clock = options.clock ?? Date.now;

  const redis =
    options.redis === undefined
      ? undefined
      : await redisStores({
          url: options.redis,
          prefix: options.redisPrefix,
          horizonMs: snapshot.policy.horizonMs,
          dedupeTtlMs: snapshot.features.latenessMs + snapshot.features.clockSkewMs,
          log: (message) => logger.warn({ store: 'redis' }, message),
        });
  const stores = inMemoryDefaults(snapshot, options, redis);
  const channels = (c: ConfigSnapshot) => options.channels ?? logChannels(c, log);
  const engines = versionedEngines({ config, ...stores, clock, logger: log, channels });
  const closeTasks: (() => Promise<void> | void)[] = [];
  const audit = options.audit ?? new AuditLog();
  // Every config change is audited, the file watch's too, whoever asked for it.
  const stopAuditing = auditConfigChanges(config, audit);
  const events = new EventEmitter<RuntimeEvents>();
  // One listener per WebSocket subscription: many are expected, none is a leak.
  events.setMaxListeners(0);

  let closing: Promise<void> | undefined;
  const runtime: Runtime = {
    rulesDir: options.rulesDir,
    engine: engines.engine,
    runner: engines.runner,
    channels: () => channels(config.current()),
    simulator: engines.simulator,
    config,
    profiles: stores.profiles,
    history: stores.history,
    decisionLog: stores.decisionLog,
    ...(redis?.claimOnce ? { claimOnce: redis.claimOnce } : {}),
    ...(redis?.campaignLeases ? { campaignLeases: redis.campaignLeases } : {}),
    recent: new RecentDecisions(options.recent),
    events,
    clock,
    keys: options.keys ?? new ApiKeyStore(),
    audit,
    metrics: options.metrics ?? createMetrics(),
    get logger() {
      return logger;
    },
    set logger(next) {
      logger = next;
    },
    get closing() {
      return closing !== undefined;
    },
    onClose(task) {
      closeTasks.push(task);
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled(closeTasks.map(async (task) => task()));
        stopAuditing();
        engines.close();
        events.removeAllListeners();
        await redis?.close();
        await config.close();
      })();
      return closing;
    },
  };
  return runtime;
}

function inMemoryDefaults(snapshot: ConfigSnapshot, options: RuntimeOptions, redis: RuntimeStores | undefined) {
  const { latenessMs, clockSkewMs } = snapshot.features;
  return {
    profiles: options.profiles ?? redis?.profiles ?? populationStore(options.population),
    history: options.history ?? redis?.history ?? new InMemoryContactHistory({ horizonMs: snapshot.policy.horizonMs }),
    decisionLog: options.decisionLog ?? redis?.decisionLog ?? new InMemoryDecisionLog(),
    dedupe: options.dedupe ?? redis?.dedupe ?? new InMemoryEventDedupe({ ttlMs: latenessMs + clockSkewMs }),
    debounce: options.debounce ?? redis?.debounce ?? new InMemoryDebounceStore(),
  };
}

function populationStore(population: RuntimeOptions['population']): InMemoryProfileStore {
  if (!population) return new InMemoryProfileStore();
  const profiles: Profile[] = [...generatePopulation(population)];
  // The README's stories (Julia roaming, the renewal, ...) are addressable by id in demo mode.
  profiles.push(...Object.values(storyProfiles()));
  return new InMemoryProfileStore(profiles);
}

/** A pino-shaped JSON-lines logger, masked, for the time before the app brings its own. */
export function lineLogger(stream: LogStream): RuntimeLogger {
  const out = maskingStream(stream);
  const write = (level: number) => (object: object, message?: string) => {
    const fields = Object.fromEntries(
      Object.entries(object).map(([k, v]) => [k, v instanceof Error ? { message: v.message, stack: v.stack } : v]),
    );
    out.write(`${JSON.stringify({ level, time: Date.now(), ...fields, msg: message })}\n`);
  };
  return { info: write(30), warn: write(40), error: write(50) };
}
