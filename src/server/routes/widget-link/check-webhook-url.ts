import { isNonPublicHost } from '../../../egress/is-non-public-host';
import { AppError } from '../../../http/app-error';

/**
 * The webhook URL policy (422 webhook_url_not_allowed). Everywhere: no user or password in the URL, since it is
 * shown back in the panel and logged as a link setting. Outside the sandbox: https only, and no loopback, private
 * or link-local address, so the backend cannot be aimed at its own network. The sandbox's demo messenger runs on
 * 127.0.0.1 over plain http, so the sandbox allows both.
 */
export function checkWebhookUrl(value: string, options: { sandbox: boolean }): void {
  const url = new URL(value);
  if (url.username || url.password) refuse('must not contain a user name or password');
  if (options.sandbox) return;
  if (url.protocol !== 'https:') refuse('must use https');
  if (isNonPublicHost(url.hostname)) refuse('must not point to a loopback, private or link-local address');
}

function refuse(message: string): never {
  throw new AppError('webhook_url_not_allowed', `The webhook URL ${message}.`, {
    issues: [{ path: 'webhook_url', message }],
  });
}
