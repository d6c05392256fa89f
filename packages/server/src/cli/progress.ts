// Progress for long CLI work: a live line on a terminal, a line every 10 % (or every few seconds) otherwise, so logs
// stay readable; and a text progress bar.

export interface Progress {
  update(done: number): void;
  done(total: number): void;
}

/** Writes progress to stderr so stdout stays clean for data. */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let lastDecile = -1;
  const line = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor((100 * done) / total)} %, ${rate.toLocaleString('en-US')}/s)`;
  };
  return {
    update(done) {
      if (stream.isTTY) stream.write(`\r${line(done)}`);
      else {
        const decile = Math.floor((10 * done) / total);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(`${line(done)}\n`);
        }
      }
    },
    done(count) {
      stream.write(
        `${stream.isTTY ? '\r' : ''}${line(count)} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },
  };
}

/** A line of status that changes: rewritten in place on a terminal, a plain line now and then otherwise. */
export interface StatusLine {
  /**
   * The latest status; on a terminal drawn at once, otherwise written when `everyMs` has passed since the last
   * line, or at once when `force` (a change worth its own line).
   */
  update(text: string, force?: boolean): void;
  /** Writes `text` (or the latest status) as a final line. */
  end(text?: string): void;
}

export interface StatusLineOptions {
  /** Without a terminal: at most one line this often (default 5 s), so logs stay readable. */
  everyMs?: number;
  clock?: () => number;
}

/**
 * @example
 * const status = statusLine(process.stderr);
 * status.update(`${bar(0.4)} 40 %`); ... status.end('done');
 */
export function statusLine(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: StatusLineOptions = {},
): StatusLine {
  const { everyMs = 5_000, clock = Date.now } = options;
  let latest = '';
  let written = '';
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    update(text, force = false) {
      latest = text;
      if (stream.isTTY) {
        // \x1b[K clears what a longer earlier line left behind.
        stream.write(`\r${text}\x1b[K`);
        written = text;
      } else if (force || clock() - lastAt >= everyMs) {
        lastAt = clock();
        stream.write(`${text}\n`);
        written = text;
      }
    },
    end(text) {
      const final = text ?? latest;
      if (stream.isTTY) stream.write(`\r${final}\x1b[K\n`);
      else if (text !== undefined || final !== written) stream.write(`${final}\n`);
    },
  };
}

/** `[#########...............]` for a fraction from 0 to 1. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
