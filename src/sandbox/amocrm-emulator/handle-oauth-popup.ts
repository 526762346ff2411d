import { z } from 'zod/mini';
import { ControlError } from '../control-api/control-error';
import { accountRedirectParams } from './account-redirect-params';
import type { ControlApi } from './create-control-api';
import type { EmulatorContext } from './emulator-context';
import { redirectWith } from './redirect-with';
import { renderGrantPage } from './render-grant-page';

const optional = z.exactOptional;
const popupQuery = z.object({
  client_id: z.string().check(z.minLength(1)),
  state: optional(z.string()),
  mode: optional(z.enum(['popup', 'post_message'])),
  /** The emulator's stand-in for amoCRM's account picker; the first account when absent. */
  account_id: optional(z.string().check(z.regex(/^\d+$/))),
});
const decisionForm = z.object({ ...popupQuery.shape, decision: z.enum(['allow', 'deny']) });

const html = (status: number, body: string) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
const errorPage = (status: number, message: string) => html(status, renderGrantPage({ kind: 'error', message }));

/**
 * `GET /oauth` (the access popup, crm-rest §1.2) and `POST /oauth` (its Allow / Deny). In both `mode`s the Redirect
 * URI is opened by the browser: this page answers a 302 and the popup-or-opener difference is the browser's.
 */
export async function handleOauthPopup(ctx: EmulatorContext, control: ControlApi, request: Request): Promise<Response> {
  const fields =
    request.method === 'POST'
      ? Object.fromEntries(new URLSearchParams(await request.text()))
      : Object.fromEntries(new URL(request.url).searchParams);
  const query = popupQuery.safeParse(fields);
  if (!query.success)
    return errorPage(400, 'The link is malformed: client_id is required, mode is popup or post_message.');
  const input = query.data;
  // A wrong client_id has no Redirect URI to go back to: an error page, never a redirect.
  if (input.client_id !== ctx.clientId) return errorPage(400, 'No integration with this client_id.');
  const account =
    input.account_id === undefined ? [...ctx.accounts.values()][0]! : ctx.accounts.get(Number(input.account_id));
  if (!account) return errorPage(404, 'No such account.');
  const mode = input.mode ?? 'popup';

  if (request.method === 'GET') {
    const user = control.currentUser(account.id);
    const installed = ctx.installed.has(account.id);
    return html(
      200,
      renderGrantPage({
        kind: 'grant',
        accountName: account.name ?? account.subdomain,
        accountHost: accountRedirectParams(account).referer,
        accountId: account.id,
        userName: user.name,
        userIsAdmin: user.isAdmin,
        canAllow: installed || user.isAdmin,
        clientId: ctx.clientId,
        state: input.state,
        mode,
        otherAccounts: [...ctx.accounts.values()]
          .filter((other) => other.id !== account.id)
          .map((other) => ({ id: other.id, host: accountRedirectParams(other).referer })),
      }),
    );
  }
  if (request.method !== 'POST') return errorPage(405, 'Method not allowed.');

  const decision = decisionForm.safeParse(fields);
  if (!decision.success) return errorPage(400, 'decision must be allow or deny.');
  if (decision.data.decision === 'deny') {
    return redirect(redirectWith(ctx.redirectUri, { error: 'access_denied', state: input.state }));
  }
  try {
    const code = control.grantFromPopup(account.id);
    const { referer, platform } = accountRedirectParams(account);
    return redirect(redirectWith(ctx.redirectUri, { code: code.code, referer, state: input.state, platform }));
  } catch (error) {
    if (error instanceof ControlError && error.status === 403) {
      return errorPage(403, 'Only an account administrator can grant this integration access for the first time.');
    }
    throw error;
  }
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } });
}
