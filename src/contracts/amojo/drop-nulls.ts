/**
 * Copy of a JSON value without the object properties whose value is null, recursively (array items are kept).
 * amojo documents `markup: null` and emits nulls from PHP elsewhere; reading null as "absent" lets one optional
 * field declaration cover both, and keeps `null` out of the parsed types.
 * Object.fromEntries defines own properties, so a "__proto__" key in the input stays an ordinary key.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, dropNulls(item)]),
  );
}
