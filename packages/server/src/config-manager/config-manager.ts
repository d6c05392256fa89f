// Config hot reload: the running config snapshot, validated reloads, the versions kept, rollback and the file watch.

import { resolve } from 'node:path';
import { ConfigError, type ConfigProblem, type ConfigSnapshot, errorMessage } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { type ConfigVersionInfo, ConfigVersions } from './config-versions.js';
import { type ConfigWatcher, watchConfig } from './config-watcher.js';

export type { ConfigVersionInfo } from './config-versions.js';

/** What a reload, rollback or rejected reload did; `by` is who asked (a key's label, or `file-watch`). */
export interface ConfigChangeEvent {
  kind: 'reloaded' | 'rolled-back' | 'rejected';
  /** The version now running (reloaded, rolled-back). */
  version?: string;
  /** The version that ran before (reloaded, rolled-back), or that keeps running (rejected). */
  previous?: string;
  /** Every problem found (rejected). */
  problems?: readonly ConfigProblem[];
  by?: string;
}

export type ReloadResult =
  | { ok: true; version: string; previous: string; changed: boolean }
  | { ok: false; code: 'CONFIG_INVALID'; problems: readonly ConfigProblem[] };

export type RollbackResult =
  | { ok: true; version: string; previous: string }
  | { ok: false; code: 'CONFIG_VERSION_NOT_FOUND' };

/** The few logger methods used; a Fastify or pino logger fits. */
export interface ConfigLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ConfigManagerOptions {
  /** The rules directory. */
  dir: string;
  /** How many versions to keep for rollback (default 10). */
  keep?: number;
  /** Loads a directory into a snapshot, throwing a ConfigError with every problem (default `loadConfigDir`). */
  load?: (dir: string) => Promise<ConfigSnapshot>;
  logger?: ConfigLogger;
  /** Clock for `loadedAt` (tests). */
  now?: () => Date;
}

export interface ConfigManager {
  /** The running snapshot. Read it once per request: a decision started on one version finishes on it. */
  current(): ConfigSnapshot;
  /** The last versions that ran, the running one first (marked `current`), then the one before it, ... */
  versions(): ConfigVersionInfo[];
  /** Loads the directory into a new snapshot and swaps it in if valid; a bad file keeps the running config. */
  reload(by?: string): Promise<ReloadResult>;
  /** Swaps back to a kept version. Serialised with reloads, like every change. */
  rollback(version: string, by?: string): Promise<RollbackResult>;
  /** Reloads when a file of the directory (or a model file it names) changes; resolves once the watch is ready. */
  watch(options?: { debounceMs?: number }): Promise<void>;
  /** Listens to every change and rejected reload; returns a function that stops listening. */
  onChange(listener: (event: ConfigChangeEvent) => void): () => void;
  /** Stops the watch. */
  close(): Promise<void>;
}

const SILENT: ConfigLogger = { info() {}, warn() {}, error() {} };

/**
 * Loads `dir` (throwing a ConfigError if it is invalid: a server does not start on a bad config) and manages it.
 * @example
 * const config = await createConfigManager({ dir: 'rules', logger: app.log });
 * await config.watch();
 * config.onChange((e) => e.kind === 'rejected' && alert(e.problems));
 */
export async function createConfigManager(options: ConfigManagerOptions): Promise<ConfigManager> {
  const { dir, keep = 10, load = loadConfigDir, logger = SILENT, now = () => new Date() } = options;
  const versions = new ConfigVersions(keep);
  // The one reference every reader goes through: a swap is a single assignment, never a half-built config.
  let active = await load(dir);
  versions.add(active, now());
  const listeners = new Set<(event: ConfigChangeEvent) => void>();
  let watcher: ConfigWatcher | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs changes one at a time, in call order, so two reloads never interleave their load and swap. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function emit(event: ConfigChangeEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error, event: event.kind }, 'config change listener failed');
      }
    }
  }

  async function reloadNow(by: string | undefined): Promise<ReloadResult> {
    const previous = active.version;
    let next: ConfigSnapshot;
    try {
      next = await load(dir);
    } catch (error) {
      const problems = problemsOf(error, dir);
      logger.warn({ dir, previous, by, problems }, `config reload rejected: ${problems.length} problem(s)`);
      emit({ kind: 'rejected', previous, problems, by });
      return { ok: false, code: 'CONFIG_INVALID', problems };
    }
    if (next.version === previous) return { ok: true, version: previous, previous, changed: false };
    versions.add(next, now());
    active = next;
    watcher?.add(modelPaths(dir, next));
    logger.info({ version: next.version, previous, by }, 'config reloaded');
    emit({ kind: 'reloaded', version: next.version, previous, by });
    return { ok: true, version: next.version, previous, changed: true };
  }

  async function rollbackNow(version: string, by: string | undefined): Promise<RollbackResult> {
    const previous = active.version;
    const snapshot = versions.find(version);
    if (!snapshot) return { ok: false, code: 'CONFIG_VERSION_NOT_FOUND' };
    if (version === previous) return { ok: true, version, previous };
    versions.markCurrent(version);
    active = snapshot;
    logger.info({ version, previous, by }, 'config rolled back');
    emit({ kind: 'rolled-back', version, previous, by });
    return { ok: true, version, previous };
  }

  return {
    current: () => active,
    versions: () => versions.list(),
    reload: (by) => serial(() => reloadNow(by)),
    rollback: (version, by) => serial(() => rollbackNow(version, by)),
    watch(watchOptions = {}) {
      if (!watcher) {
        watcher = watchConfig([dir, ...modelPaths(dir, active)], {
          debounceMs: watchOptions.debounceMs ?? 250,
          // The result goes to the listeners and the log; a watch-triggered reload never throws anywhere.
          onChange: () => void serial(() => reloadNow('file-watch')).catch(() => undefined),
          onError: (error) => logger.error({ err: error, dir }, 'config watch error'),
        });
      }
      return watcher.ready;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      const closing = watcher;
      watcher = undefined;
      await closing?.close();
    },
  };
}

/** Every problem of a failed load: a ConfigError's own, or one CONFIG_LOAD_FAILED for anything else. */
function problemsOf(error: unknown, dir: string): readonly ConfigProblem[] {
  if (error instanceof ConfigError) return error.problems;
  // A loader from another copy of the engine (or a test) throws the same shape without being the same class.
  const problems = (error as { problems?: unknown } | undefined)?.problems;
  if (Array.isArray(problems) && problems.length > 0) return problems as ConfigProblem[];
  const message = errorMessage(error);
  return [{ file: dir, path: '', code: 'CONFIG_LOAD_FAILED', message }];
}

/** The model files a snapshot names, resolved as the loader resolves them (against the directory). */
function modelPaths(dir: string, snapshot: ConfigSnapshot): string[] {
  return (snapshot.sources?.models ?? []).map((m) => resolve(dir, m.file));
}
