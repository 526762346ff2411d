/**
 * Why a hook's file link can never be downloaded, or null when it may be. These are final at once: a retry asks
 * the same URL again, so a malformed link, an impossible port or credentials (which fetch refuses to send) would
 * only hold the chat behind it for every retry. Whether the host may be fetched at all is the egress guard's call.
 */
export function mediaSourceIssue(source: string): string | null {
  if (!/^https?:\/\//i.test(source)) return 'The hook named no downloadable file.';
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return 'The file link in the hook is not a valid URL.';
  }
  if (url.hostname === '') return 'The file link in the hook names no host.';
  // The URL parser already refuses ports above 65535; 0 parses but cannot be connected to.
  if (url.port === '0') return 'The file link in the hook names an invalid port.';
  if (url.username !== '' || url.password !== '') return 'The file link in the hook carries credentials.';
  return null;
}
