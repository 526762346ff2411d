/** The lowest id among `rows` of each key in `keys`: a refused key's oldest new job, which is marked head anyway. */
export function oldestOfKeys(
  rows: readonly { id: number; orderingKey: string }[],
  keys: ReadonlySet<string>,
): number[] {
  const oldest = new Map<string, number>();
  for (const r of rows) {
    const id = Number(r.id);
    if (keys.has(r.orderingKey) && id < (oldest.get(r.orderingKey) ?? Number.POSITIVE_INFINITY)) {
      oldest.set(r.orderingKey, id);
    }
  }
  return [...oldest.values()];
}
