import { type EgressPolicy, egressRefusal } from '../../../egress/egress-policy';
import { AppError } from '../../../http/app-error';

/**
 * The webhook URL policy at save time (422 webhook_url_not_allowed): the egress policy's scheme and IP-literal
 * checks (https outside the sandbox; no loopback, private or link-local address unless EGRESS_ALLOW opens it), and
 * no user or password, since the URL is shown back in the panel and logged. Names are not resolved here: what a
 * name points to can change after the save, so the egress guard checks it on every connection.
 */
export function checkWebhookUrl(value: string, policy: EgressPolicy): void {
  const url = new URL(value);
  if (url.username || url.password) refuse('must not contain a user name or password');
  const refusal = egressRefusal(url, policy);
  if (refusal === undefined) return;
  if (!policy.protocols.includes(url.protocol as 'http:')) refuse('must use https');
  refuse('must not point to a loopback, private or link-local address');
}

function refuse(message: string): never {
  throw new AppError('webhook_url_not_allowed', `The webhook URL ${message}.`, {
    issues: [{ path: 'webhook_url', message }],
  });
}
