/**
 * Copy of a JSON value without the object properties whose value is null, recursively (array items are kept).
 * amojo documents `markup: null` and emits nulls from PHP elsewhere; reading null as "absent" lets one optional
 * field declaration cover both, and keeps `null` out of the parsed types.
 * Object.fromEntries defines own properties, so a "__proto__" key in the input stays an ordinary key.
 * A value with no null property is returned as it is: the copy is most of the cost, on every hook the webhook takes,
 * and the schema that reads the result builds objects of its own anyway.
 */
export function dropNulls(value: unknown): unknown {
  return hasNullProperty(value) ? withoutNulls(value) : value;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

function hasNullProperty(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullProperty);
  if (value === null || typeof value !== 'object') return false;
  for (const item of Object.values(value)) if (item === null || hasNullProperty(item)) return true;
  return false;
}
