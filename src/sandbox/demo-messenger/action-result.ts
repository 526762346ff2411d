import type { BridgeCallResult } from './create-bridge-client';

/** What a messenger API route answers: an HTTP status and a JSON body. */
export interface ActionResult {
  status: number;
  body: Record<string, unknown>;
}

export interface Issue {
  path: string;
  message: string;
}

/** The bridge's own error shape: `{ error: { code, message, issues? } }`, plus anything the page needs beside it. */
export function actionError(
  status: number,
  code: string,
  message: string,
  { issues, ...extra }: Record<string, unknown> & { issues?: Issue[] } = {},
): ActionResult {
  return { status, body: { error: issues === undefined ? { code, message } : { code, message, issues }, ...extra } };
}

/** Field problems of a zod result, as dotted paths the page can show. */
export function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** What to do about the bridge refusals an admin can fix, in their words. */
const fixes: Record<string, string> = {
  auth_invalid:
    'the API key is not valid any more (rotated, or the account relinked): paste the current key and secret ' +
    'into the settings',
  not_linked: 'the account is no longer linked: link it again in the widget panel',
  bridge_unreachable: 'the bridge could not be reached: check that the backend runs and the bridge URL',
};

/**
 * A bridge call that did not succeed, as the page sees it: 409 when the messenger is not set up yet, otherwise 502
 * naming the bridge's own error code, and what to do about it when that is known.
 */
export function bridgeFailure(result: Extract<BridgeCallResult, { ok: false }>, extra: Record<string, unknown> = {}) {
  if (result.code === 'not_configured') {
    return actionError(409, 'not_configured', 'Set the bridge URL and the API key in the settings first.', extra);
  }
  const detail = result.status === null ? result.code : `${result.code} (HTTP ${result.status})`;
  const fix = fixes[result.code] === undefined ? '' : `; ${fixes[result.code]}`;
  return actionError(502, result.code, `The bridge did not accept the call: ${detail}${fix}.`, {
    bridge_status: result.status,
    ...extra,
  });
}
