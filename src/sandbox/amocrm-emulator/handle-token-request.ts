import { tokenRequest } from '../../contracts/amocrm';
import { formatIssues } from '../../contracts/format-issues';
import type { Granted, Refusal } from './create-grant-book';
import type { EmulatorContext } from './emulator-context';
import { faultResponse } from './fault-response';
import { problemResponse } from './problem-response';

/** The `detail` of every refusal; the cause is in `hint` (and in X-Emulator-Reject for tests). */
const DETAIL = 'The request is missing a parameter or a parameter is invalid';

/**
 * POST /oauth2/access_token (crm-rest §1.5): both grants, JSON only. Checks in order: content type, JSON, the
 * `tokenRequest` contract, client_id and client_secret, redirect_uri (exact, §9.4), then the code or refresh token.
 * Every refusal is a 400 problem+json with a `hint`.
 */
export async function handleTokenRequest(ctx: EmulatorContext, request: Request): Promise<Response> {
  const fault = ctx.faults.takeStatus('token');
  if (fault) return faultResponse(fault);
  const latency = ctx.faults.latencyOf('token');
  if (latency > 0) await ctx.sleep(latency);

  const outcome = await grant(ctx, request);
  if (!outcome.ok) {
    ctx.stats.refusedGrants += 1;
    ctx.stats.refusedGrantsByReason[outcome.reason] = (ctx.stats.refusedGrantsByReason[outcome.reason] ?? 0) + 1;
    return problemResponse(400, DETAIL, { hint: outcome.hint, reason: outcome.reason });
  }
  const { pair } = outcome;
  return new Response(
    JSON.stringify({
      token_type: 'Bearer',
      expires_in: Math.round((pair.accessExpiresAt - pair.issuedAt) / 1000),
      access_token: pair.accessToken,
      refresh_token: pair.refreshToken,
      server_time: Math.floor(pair.issuedAt / 1000),
    }),
    { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } },
  );
}

const refuse = (reason: string, hint: string): Refusal => ({ ok: false, reason, hint });

async function grant(ctx: EmulatorContext, request: Request): Promise<Granted | Refusal> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return refuse('unsupported_content_type', 'Send the body as application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return refuse('malformed_body', 'The body is not valid JSON');
  }
  const grantType = (body as { grant_type?: unknown } | null)?.grant_type;
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return refuse('unsupported_grant_type', 'grant_type: must be "authorization_code" or "refresh_token"');
  }
  const parsed = tokenRequest.safeParse(body);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, body).map((issue) => `${issue.path || '(body)'}: ${issue.message}`);
    return refuse('invalid_request', issues.join('; '));
  }
  const input = parsed.data;
  if (input.client_id !== ctx.clientId || input.client_secret !== ctx.clientSecret) {
    return refuse('invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret');
  }
  if (input.redirect_uri !== ctx.redirectUri) {
    return refuse('redirect_uri_mismatch', 'redirect_uri does not match the Redirect URI of the integration');
  }
  if (input.grant_type === 'authorization_code') {
    const outcome = ctx.grants.exchangeCode(input.code);
    if (outcome.ok) ctx.stats.codeExchanges += 1;
    return outcome;
  }
  // The switch answers as a revoked token does: the client cannot tell it from the real thing.
  if (ctx.faults.refusesRefresh()) return refuse('refresh_refused', 'Refresh token has been revoked');
  const outcome = ctx.grants.refresh(input.refresh_token);
  if (outcome.ok) ctx.stats.refreshGrants += 1;
  return outcome;
}
