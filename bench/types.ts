// Shapes every benchmark returns, so bench/run.ts can print one table and write one JSON file.

/** One measured case: throughput and, where measured per call, latency percentiles in microseconds. */
export interface BenchRow {
  case: string;
  opsPerSec: number;
  p50Us?: number;
  p99Us?: number;
  note?: string;
}

/** A ratio between two rows measured in the same run, with the target it is held to (if any). */
export interface BenchRatio {
  name: string;
  value: number;
  target?: number;
  /** Which way the target points (default: higher is better). */
  better?: 'higher' | 'lower';
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  ratios: BenchRatio[];
}
