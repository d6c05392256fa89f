// The config versions a server keeps for rollback: the last few snapshots loaded, newest first, bounded.
import type { ConfigSnapshot } from '@arbiter/engine';

/** One kept version as the API lists it. */
export interface ConfigVersionInfo {
  version: string;
  /** When this version was (last) loaded from the rules directory, ISO 8601. */
  loadedAt: string;
  files: readonly string[];
  current: boolean;
}

interface Kept {
  snapshot: ConfigSnapshot;
  loadedAt: string;
}

/**
 * The last `keep` distinct versions that ran, the running one first, then the one before it, and so on. Loading or
 * rolling back to a version already kept moves it to the front, so a rollback never loses the version it left:
 * "go back to what ran before" always works.
 */
export class ConfigVersions {
  readonly #keep: number;
  #kept: Kept[] = [];

  constructor(keep: number) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, got ${keep}`);
    this.#keep = keep;
  }

  /** Records a freshly loaded snapshot as the current version. */
  add(snapshot: ConfigSnapshot, loadedAt: Date): void {
    this.#kept = this.#kept.filter((k) => k.snapshot.version !== snapshot.version);
    this.#kept.unshift({ snapshot, loadedAt: loadedAt.toISOString() });
    this.#kept.length = Math.min(this.#kept.length, this.#keep);
  }

  /** The kept snapshot of `version`, if any. */
  find(version: string): ConfigSnapshot | undefined {
    return this.#kept.find((k) => k.snapshot.version === version)?.snapshot;
  }

  /** Makes a kept version current again (a rollback), keeping when it was loaded; false when it is not kept. */
  markCurrent(version: string): boolean {
    const index = this.#kept.findIndex((k) => k.snapshot.version === version);
    if (index < 0) return false;
    const [entry] = this.#kept.splice(index, 1);
    if (entry) this.#kept.unshift(entry);
    return true;
  }

  list(): ConfigVersionInfo[] {
    return this.#kept.map((k, i) => ({
      version: k.snapshot.version,
      loadedAt: k.loadedAt,
      files: k.snapshot.files,
      current: i === 0,
    }));
  }
}
