// A Prometheus histogram per label value kept as plain bucket counts, rendered only when scraped: observing is an
// array increment, where prom-client's Histogram hashes the labels object on every observation.
import type { Registry } from 'prom-client';

interface Series {
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * One histogram, `name{<label>=<value>}`, over fixed label values (the stages of a decision). A series is shown once
 * it has an observation, as prom-client does.
 *
 * @example
 * const stages = new BucketHistogram(registry, 'x_seconds', 'Time per stage.', 'stage', ['a', 'b'], [0.001, 0.01]);
 * stages.observe(0, 0.004); // stage a, 4 ms
 */
export class BucketHistogram {
  private readonly series: Series[];

  constructor(
    registry: Registry,
    private readonly name: string,
    help: string,
    private readonly label: string,
    private readonly values: readonly string[],
    private readonly bounds: readonly number[],
  ) {
    this.series = values.map(() => ({ counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 }));
    // prom-client renders any registered object with a name, help, type and get(); its Metric typings ask for more.
    const metric = { name, help, type: 'histogram', aggregator: 'sum', get: async () => this.collect(help) };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Counts `value` in the series of `values[index]`; a value that is not a finite number >= 0 is ignored. */
  observe(index: number, value: number): void {
    const series = this.series[index];
    if (!series || !(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += value;
    series.count++;
  }

  private collect(help: string) {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    this.series.forEach((series, index) => {
      if (series.count === 0) return;
      const labelValue = this.values[index]!;
      let cumulative = 0;
      this.bounds.forEach((bound, bucket) => {
        cumulative += series.counts[bucket]!;
        values.push({
          labels: { le: bound, [this.label]: labelValue },
          value: cumulative,
          metricName: this.bucketName,
        });
      });
      values.push({
        labels: { le: '+Inf', [this.label]: labelValue },
        value: series.count,
        metricName: this.bucketName,
      });
      values.push({ labels: { [this.label]: labelValue }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { [this.label]: labelValue }, value: series.count, metricName: `${this.name}_count` });
    });
    return { name: this.name, help, type: 'histogram', values, aggregator: 'sum' };
  }

  private get bucketName(): string {
    return `${this.name}_bucket`;
  }
}
