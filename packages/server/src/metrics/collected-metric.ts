// Prometheus series computed at scrape time from plain counts, so the request path never touches prom-client.
import { Counter, Gauge, type Registry } from 'prom-client';

export type Labels = Record<string, string>;
/** One series: its labels and its value. */
export type Row = [Labels, number];

/** Registers a counter or gauge whose series are `rows()` at each scrape. */
export function collected(
  registry: Registry,
  type: 'counter' | 'gauge',
  name: string,
  help: string,
  labelNames: readonly string[],
  rows: () => Row[],
): void {
  if (type === 'gauge') {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of rows()) this.set(labels, value);
      },
    });
    return;
  }
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    // prom-client counters only go up; rebuilding them from our own monotonic counts at each scrape keeps that true.
    collect() {
      this.reset();
      for (const [labels, value] of rows()) this.inc(labels, value);
    },
  });
}
