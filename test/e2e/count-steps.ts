/**
 * Counts what a person does on the way (open a page, click, type, tick, paste); waiting and looking are free. The
 * step over the limit fails at once, naming every step taken, so a change that adds one is caught where it happens.
 */
export function countSteps(limit: number) {
  const taken: string[] = [];
  return {
    taken,
    async step<T>(what: string, action: () => Promise<T>): Promise<T> {
      taken.push(what);
      if (taken.length > limit) {
        throw new Error(
          `step ${taken.length} is over the limit of ${limit}:\n${taken.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
        );
      }
      return action();
    },
  };
}
