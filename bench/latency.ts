// Latencies of one benchmark case, kept in full (a few hundred thousand numbers) and read as percentiles in µs.

export class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private size = 0;

  /** One request's latency, in milliseconds (what performance.now() differences and autocannon give). */
  addMs(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms * 1_000;
  }

  get count(): number {
    return this.size;
  }

  /** p50 and p99 in microseconds (nearest rank). */
  percentiles(): { p50Us: number; p99Us: number } {
    const sorted = this.values.slice(0, this.size).sort();
    const at = (q: number) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1))] ?? 0;
    return { p50Us: at(0.5), p99Us: at(0.99) };
  }
}
