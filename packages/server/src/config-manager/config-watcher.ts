// Watches the rules directory (and the model files it names) and calls back, debounced, when anything changes.
import { basename, resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

export interface ConfigWatcher {
  /** Resolves once the initial scan is done: changes after this are seen. */
  readonly ready: Promise<void>;
  /** Watches more paths (model files outside the directory); paths already watched are skipped. */
  add(paths: readonly string[]): void;
  close(): Promise<void>;
}

export interface ConfigWatcherOptions {
  /** Quiet time after the last change before `onChange` runs, so an editor's burst of writes is one reload. */
  debounceMs: number;
  onChange: () => void;
  onError: (error: unknown) => void;
}

/**
 * Watches `paths` with chokidar; any add, change or unlink calls `onChange` once things have been quiet for
 * `debounceMs`. Dot files and `~` backups (editor swap files) are ignored.
 */
export function watchConfig(paths: readonly string[], options: ConfigWatcherOptions): ConfigWatcher {
  const watched = new Set(paths.map((p) => resolve(p)));
  const roots = new Set(watched);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watcher: FSWatcher = watch([...watched], {
    ignoreInitial: true,
    // A file being written (truncated, then filled; an upload in several writes) is reported once its size has
    // held for 50 ms, so a reload does not read it half written and reject it.
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
    // Only names below a watched root are judged, so a root in a dotted folder (.tmp/rules) is still watched.
    ignored: (path: string) => !roots.has(resolve(path)) && isScratch(basename(path)),
  });
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()));
  watcher.on('all', () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) options.onChange();
    }, options.debounceMs);
  });
  watcher.on('error', (error) => options.onError(error));
  return {
    ready,
    add(more) {
      const fresh = more.map((p) => resolve(p)).filter((p) => !watched.has(p));
      if (fresh.length === 0) return;
      for (const p of fresh) {
        watched.add(p);
        roots.add(p);
      }
      watcher.add(fresh);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

function isScratch(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || name.endsWith('.swp') || name.endsWith('.tmp');
}
