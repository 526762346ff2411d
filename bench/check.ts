/** One budget of `npm run bench -- --check`: a figure measured against a floor from the same run. */
export interface Check {
  name: string;
  figure: number;
  /** What the figure is measured against, as printed. */
  floor: string;
  /** The budget, as printed (`<= 2`, `>= 0.85`). */
  budget: string;
  ok: boolean;
}
