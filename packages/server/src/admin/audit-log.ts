// The audit log: config changes and admin actions (who, what, when, before and after), newest first.
import { appendFileSync } from 'node:fs';

/** What an admin did, as recorded. */
export interface AuditEntry {
  /** When, ISO 8601. */
  at: string;
  /** Who: a caller label (`name (key id)`), or `file-watch` for a reload the watch started. */
  who: string;
  /** What, a dotted verb: `config.reload`, `config.rollback`, `config.reload-rejected`, `key.create`, `key.revoke`. */
  action: string;
  /** The config version before and after, for config changes. */
  before?: string;
  after?: string;
  detail?: Readonly<Record<string, unknown>>;
}

export type AuditRecord = Omit<AuditEntry, 'at'>;

export interface AuditLogOptions {
  /** Append every entry to this JSONL file as well (the durable record; the list holds the last `max`). */
  file?: string;
  /** Entries kept in memory for `list()` (default 1000). */
  max?: number;
  now?: () => Date;
  /** Told when the file cannot be written; the entry stays in memory and the action goes on. */
  onError?: (error: unknown) => void;
}

/**
 * An append-only record of admin actions.
 * @example
 * const audit = new AuditLog({ file: 'data/audit.jsonl' });
 * audit.record({ who: 'alice (3fa2…)', action: 'key.create', detail: { id, role: 'channel' } });
 * audit.list({ limit: 20 });
 */
export class AuditLog {
  readonly #entries: AuditEntry[] = [];
  readonly #max: number;
  readonly #file: string | undefined;
  readonly #now: () => Date;
  readonly #onError: (error: unknown) => void;

  constructor(options: AuditLogOptions = {}) {
    this.#max = options.max ?? 1000;
    this.#file = options.file;
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError ?? (() => {});
  }

  /** Records an entry stamped with the time, and appends it to the file if there is one. */
  record(record: AuditRecord): AuditEntry {
    const entry: AuditEntry = Object.freeze({ at: this.#now().toISOString(), ...record });
    this.#entries.push(entry);
    if (this.#entries.length > this.#max) this.#entries.splice(0, this.#entries.length - this.#max);
    if (this.#file) {
      try {
        // Synchronous so the entry is on disk before the admin's response, and lines never interleave.
        appendFileSync(this.#file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      } catch (error) {
        this.#onError(error);
      }
    }
    return entry;
  }

  /** The latest entries, newest first (at most `limit`, default all kept); `action` filters by prefix (`config.`). */
  list(options: { limit?: number; action?: string } = {}): AuditEntry[] {
    const { limit = this.#entries.length, action } = options;
    const found: AuditEntry[] = [];
    for (let i = this.#entries.length - 1; i >= 0 && found.length < limit; i--) {
      const entry = this.#entries[i];
      if (entry && (action === undefined || entry.action.startsWith(action))) found.push(entry);
    }
    return found;
  }
}
