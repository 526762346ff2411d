/** A random UUID v4. crypto.randomUUID exists only in secure contexts (an inbox opened by LAN address is not one). */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One request id per composed action, which the emulator dedupes on. Sending the same body again (after a lost
 * answer, or a second click that got past the disabled button) reuses the id, so only one message goes out; a
 * changed body, or any body after `settle()` (the action succeeded), gets a fresh id.
 */
export function createRequestIds(newId: () => string = newRequestId) {
  let current: { readonly key: string; readonly id: string } | null = null;
  return {
    idFor(body: unknown): string {
      const key = JSON.stringify(body);
      if (current?.key !== key) current = { key, id: newId() };
      return current.id;
    },
    settle(): void {
      current = null;
    },
  };
}
