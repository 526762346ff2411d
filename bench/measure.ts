export interface Measurement {
  /** Median ns per operation over the rounds. */
  nsPerOp: number;
  opsPerSec: number;
}

/**
 * Times `fn` in interleaved rounds against its baseline so both see the same machine noise;
 * the median round is reported. Loops are bounded by `iterations` x `rounds`.
 */
export function measurePair(
  subject: () => unknown,
  baseline: () => unknown,
  { iterations = 20_000, rounds = 9 } = {},
): { subject: Measurement; baseline: Measurement; ratio: number } {
  const timeOnce = (fn: () => unknown) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    return Number(process.hrtime.bigint() - start) / iterations;
  };
  // Warm-up so the JIT has compiled both before anything is counted.
  timeOnce(subject);
  timeOnce(baseline);
  const s: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    s.push(timeOnce(subject));
    b.push(timeOnce(baseline));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const sub = median(s);
  const base = median(b);
  return {
    subject: { nsPerOp: sub, opsPerSec: 1e9 / sub },
    baseline: { nsPerOp: base, opsPerSec: 1e9 / base },
    ratio: sub / base,
  };
}
