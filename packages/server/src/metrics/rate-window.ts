// Events per second over a sliding window of whole seconds: what "current TPS" means on the metrics page.

/**
 * Counts events in one-second buckets and reports the average rate over the last `seconds` complete seconds (the
 * second in progress is left out, so the rate does not dip at the start of every second).
 */
export class RateWindow {
  private readonly counts: number[];
  private readonly stamps: number[];

  constructor(private readonly seconds = 10) {
    this.counts = new Array<number>(seconds).fill(0);
    this.stamps = new Array<number>(seconds).fill(-1);
  }

  add(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const slot = second % this.seconds;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]!++;
  }

  /** Events per second over the window that ended at the start of the current second. */
  perSecond(nowMs: number): number {
    const current = Math.floor(nowMs / 1000);
    let total = 0;
    for (let slot = 0; slot < this.seconds; slot++) {
      const stamp = this.stamps[slot]!;
      if (stamp < current && stamp >= current - this.seconds) total += this.counts[slot]!;
    }
    return total / this.seconds;
  }
}
