/**
 * One string field of a stored JSON payload (an outbox job's), or undefined when the payload does not parse or the
 * field is missing or not a string: readers that only look a row up must not fail on an odd one.
 */
export function payloadString(payload: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(payload) as Record<string, unknown> | null)?.[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
