/** Calls the messenger server (never the bridge: the API key stays on the server). */
export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // The messenger's own server is down or restarting: say so where the action was, instead of failing silently.
    const error = { code: 'messenger_unreachable', message: 'The demo messenger server could not be reached.' };
    return { ok: false, status: 0, body: { error } };
  }
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  return { ok: response.ok, status: response.status, body: json };
}

/** The readable reason of a failed call, for the error banner. */
export function errorText(result) {
  const error = result.body?.error;
  if (!error) return `Request failed (HTTP ${result.status}).`;
  const issues = (error.issues ?? []).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return issues === '' ? error.message : `${error.message} ${issues}`;
}
