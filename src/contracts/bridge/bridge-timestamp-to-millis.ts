/** Unix milliseconds of a `bridgeTimestamp` value (already validated: an ISO date-time with a zone, or ms). */
export function bridgeTimestampToMillis(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
