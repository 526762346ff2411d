import { escapeHtml } from '../../http/html-text';

export type GrantPageView =
  | {
      readonly kind: 'grant';
      readonly accountName: string;
      readonly accountHost: string;
      readonly accountId: number;
      readonly userName: string;
      readonly userIsAdmin: boolean;
      /** False when first access needs an admin and the current user is none: no Allow button then. */
      readonly canAllow: boolean;
      readonly clientId: string;
      readonly state: string | undefined;
      readonly mode: string;
      /** The other accounts, to switch to (amoCRM lets the user pick an account). */
      readonly otherAccounts: readonly { readonly id: number; readonly host: string }[];
    }
  | { readonly kind: 'error'; readonly message: string };

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

/** amoCRM's access popup, reduced to what matters: whose account, who grants, Allow and Deny. */
export function renderGrantPage(view: GrantPageView): string {
  if (view.kind === 'error')
    return page('Access cannot be granted', `<p data-testid="error">${escapeHtml(view.message)}</p>`);
  const fields = [
    hidden('client_id', view.clientId),
    hidden('account_id', String(view.accountId)),
    hidden('mode', view.mode),
    ...(view.state === undefined ? [] : [hidden('state', view.state)]),
  ].join('\n');
  const allow = view.canAllow
    ? '<button type="submit" name="decision" value="allow" data-testid="allow">Allow</button>'
    : '<p data-testid="admin-only">Only an account administrator can grant this integration access for the first time.</p>';
  const others = view.otherAccounts
    .map((other) => {
      const params = new URLSearchParams({ client_id: view.clientId, mode: view.mode, account_id: String(other.id) });
      if (view.state !== undefined) params.set('state', view.state);
      return `<li><a href="/oauth?${escapeHtml(params.toString())}">${escapeHtml(other.host)}</a></li>`;
    })
    .join('\n');
  return page(
    'Grant access',
    `<p>The integration asks for access to the account <strong data-testid="account">${escapeHtml(view.accountName)}</strong>
(${escapeHtml(view.accountHost)}).</p>
<p>Signed in as <strong data-testid="user">${escapeHtml(view.userName)}</strong> (${view.userIsAdmin ? 'administrator' : 'user'}).</p>
<form method="post" action="/oauth">
${fields}
${allow}
<button type="submit" name="decision" value="deny" data-testid="deny">Deny</button>
</form>
${others === '' ? '' : `<h2>Other accounts</h2>\n<ul>\n${others}\n</ul>`}`,
  );
}
