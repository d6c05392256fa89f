// What a Redis store's outage buffer needs besides the buffer itself: one log line when Redis goes away and one when
// it is back, one warning per outage when records are dropped, one retry timer, and one flush at a time.

export interface OutageOptions {
  /** Names the store in log lines: `arbiter: <name>: ...`. */
  name: string;
  retryMs: number;
  log: (message: string) => void;
  /** Writes what waits; resolves with how many still wait (0 when all are written). */
  drain: () => Promise<number>;
}

export class Outage {
  #active = false;
  #warnedDrop = false;
  #flushing: Promise<number> | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutageOptions) {}

  /** True from the first buffered write until the buffer is written. */
  get active(): boolean {
    return this.#active;
  }

  /** Redis did not answer: log it once per outage, and retry later. */
  begin(detail: string): void {
    if (!this.#active) {
      this.#active = true;
      this.options.log(`arbiter: ${this.options.name}: ${detail}`);
    }
    this.retryLater();
  }

  /** Something was dropped: warn once per outage (the caller counts every drop). */
  warnDrop(detail: string): void {
    if (this.#warnedDrop) return;
    this.#warnedDrop = true;
    this.options.log(`arbiter: ${this.options.name}: ${detail}`);
  }

  /** Everything waiting was written: log the end of the outage, if there was one. */
  end(detail: string): void {
    if (!this.#active) return;
    this.options.log(`arbiter: ${this.options.name}: ${detail}`);
    this.#active = false;
    this.#warnedDrop = false;
  }

  /** Runs the drain, or joins the one already running. */
  flush(): Promise<number> {
    this.#flushing ??= this.options.drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  retryLater(): void {
    this.#retry ??= setTimeout(() => {
      this.#retry = undefined;
      void this.flush();
    }, this.options.retryMs).unref();
  }

  /** Stops the retry timer. */
  close(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
