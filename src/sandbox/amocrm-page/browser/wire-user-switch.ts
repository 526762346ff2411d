/**
 * The top bar's user switch: the page server keeps who is signed in (tokens, the inbox and amoCRM's current user
 * follow it), and the page reloads, as signing in as someone else would. Plain fetch: it works before jQuery loads.
 */
export function wireUserSwitch(select: HTMLSelectElement, onError: (message: string) => void): void {
  const current = select.value;
  select.addEventListener('change', () => {
    const userId = Number(select.value);
    fetch('/_sandbox/current-user', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId }),
    })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        location.reload();
      })
      .catch((error: unknown) => {
        select.value = current;
        onError(`Could not switch the user: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
}
