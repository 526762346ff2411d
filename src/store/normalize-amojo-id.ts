/**
 * amojo ids are UUIDs, so their case carries no meaning, yet the widget sends what the page has and amojo may write
 * either case. The store keeps and compares them in lower case; every value from outside goes through this first.
 */
export function normalizeAmojoId(amojoId: string): string {
  return amojoId.toLowerCase();
}
