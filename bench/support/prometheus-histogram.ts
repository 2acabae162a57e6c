import { parsePrometheus } from '../../test/support/prometheus.js';

/** A Prometheus histogram's cumulative bucket counts by upper bound (`le`), +Inf last. */
export class Histogram {
  constructor(readonly buckets: readonly (readonly [number, number])[]) {}

  /** The observations made between `earlier` and this scrape. */
  minus(earlier: Histogram): Histogram {
    return new Histogram(
      this.buckets.map(([le, count]) => [le, count - (earlier.buckets.find(([l]) => l === le)?.[1] ?? 0)]),
    );
  }

  get count(): number {
    return this.buckets.at(-1)?.[1] ?? 0;
  }
}

/** The histogram `name` (all label sets summed) from a scrape in Prometheus's text format. */
export function scrapeHistogram(text: string, name: string): Histogram {
  const byLe = new Map<number, number>();
  for (const sample of parsePrometheus(text).samples) {
    if (sample.name !== `${name}_bucket`) continue;
    const le = sample.labels['le'] === '+Inf' ? Infinity : Number(sample.labels['le']);
    byLe.set(le, (byLe.get(le) ?? 0) + sample.value);
  }
  return new Histogram([...byLe.entries()].sort(([a], [b]) => a - b));
}

/**
 * The q-quantile as Prometheus's `histogram_quantile` estimates it: linear within the bucket it falls in
 * (so its resolution is the buckets'); NaN without observations, the last finite bound when it is in +Inf.
 */
export function histogramQuantile(histogram: Histogram, q: number): number {
  const total = histogram.count;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of histogram.buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}
