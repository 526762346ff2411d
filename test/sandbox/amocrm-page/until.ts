/** Polls `probe` every 10 ms until it gives a value, for a page that updates on its own timers (about 5 s at most). */
export async function until<T>(probe: () => T | undefined | null | false, what: string, tries = 500): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
