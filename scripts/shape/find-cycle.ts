/**
 * The shortest way from `to` back to `from` over `imports` (file -> the files it imports), as the files passed from
 * `to` to `from`; undefined when the import `from -> to` is on no cycle.
 */
export function findCycle(
  imports: ReadonlyMap<string, readonly string[]>,
  from: string,
  to: string,
): string[] | undefined {
  const cameFrom = new Map<string, string | null>([[to, null]]);
  const queue = [to];
  for (let head = 0; head < queue.length; head += 1) {
    const file = queue[head]!;
    if (file === from) {
      const path: string[] = [];
      for (let step: string | null = file; step !== null; step = cameFrom.get(step) ?? null) path.unshift(step);
      return path;
    }
    for (const next of imports.get(file) ?? []) {
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}
