import { accountOrigin } from './account-origin';
import type { ApiCall } from './api-call';
import { buildAccountBody } from './build-account-body';
import { buildUserBody } from './build-user-body';
import type { EmulatorContext } from './emulator-context';
import type { FaultEndpoint } from './endpoint-faults';
import { faultResponse } from './fault-response';
import { halResponse } from './hal-response';
import { handleContactChatsRequest } from './handle-contact-chats-request';
import { handleContactsRequest } from './handle-contacts-request';
import { handlePipelinesRequest } from './handle-pipelines-request';
import { handleSourcesRequest } from './handle-sources-request';
import { problemResponse } from './problem-response';

const USER_PATH = /^\/api\/v4\/users\/([^/]+)$/;
const SOURCES_PATH = /^\/api\/v4\/sources(?:\/([^/]+))?$/;
const BEARER = /^Bearer ([^\s]+)$/i;

/**
 * Every `/api/v4/*` request, counted in the stats by path and by answer. Order: a queued fault (before anything, as
 * a load balancer answers), latency, the Bearer token (401), the account's rate limit (429), then the route.
 */
export async function handleApiRequest(ctx: EmulatorContext, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  ctx.stats.apiCalls[path] = (ctx.stats.apiCalls[path] ?? 0) + 1;
  const response = await answer(ctx, request, path);
  ctx.stats.apiStatuses[response.status] = (ctx.stats.apiStatuses[response.status] ?? 0) + 1;
  return response;
}

function endpointOf(path: string): FaultEndpoint | undefined {
  if (path === '/api/v4/account') return 'account';
  if (path === '/api/v4/users' || path.startsWith('/api/v4/users/')) return 'users';
  if (path === '/api/v4/sources' || path.startsWith('/api/v4/sources/')) return 'sources';
  if (path === '/api/v4/leads/pipelines' || path.startsWith('/api/v4/leads/pipelines/')) return 'pipelines';
  if (path === '/api/v4/contacts/chats') return 'contacts_chats';
  if (path === '/api/v4/contacts') return 'contacts';
  return undefined;
}

async function answer(ctx: EmulatorContext, request: Request, path: string): Promise<Response> {
  const endpoint = endpointOf(path);
  if (endpoint) {
    const fault = ctx.faults.takeStatus(endpoint);
    if (fault) return faultResponse(fault);
    const latency = ctx.faults.latencyOf(endpoint);
    if (latency > 0) await ctx.sleep(latency);
  }

  const token = BEARER.exec(request.headers.get('authorization') ?? '')?.[1];
  if (token === undefined) return unauthorized('token_missing');
  const found = ctx.grants.findAccess(token);
  if (!found.ok) return unauthorized(found.reason);
  const { pair } = found;
  // Uninstalling revokes every token already; this also covers a pair minted in the same instant.
  if (!ctx.installed.has(pair.accountId)) return unauthorized('account_not_installed');
  if (!ctx.limiter.take(pair.accountId)) {
    return problemResponse(429, 'Too many requests per second for this account', { reason: 'rate_limited' });
  }

  const account = ctx.accounts.get(pair.accountId)!;
  const userMatch = USER_PATH.exec(path);
  if (path === '/api/v4/account' || userMatch) {
    if (request.method !== 'GET') return problemResponse(405, 'Method not allowed', { reason: 'method' });
  }
  if (path === '/api/v4/account') {
    const withValues = new Set(
      (new URL(request.url).searchParams.get('with') ?? '')
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean),
    );
    return hal(buildAccountBody(account, pair.userId, withValues));
  }
  if (userMatch) {
    // crm-rest §3: the users methods are admin-only; the caller's rights are looked at before the id.
    const caller = ctx.users.get(pair.userId);
    if (!caller?.isAdmin) return problemResponse(403, 'Not enough rights', { reason: 'not_admin' });
    const user = /^\d+$/.test(userMatch[1]!) ? ctx.users.get(Number(userMatch[1])) : undefined;
    if (!user || user.accountId !== account.id) {
      return problemResponse(404, 'User not found', { reason: 'user_not_found' });
    }
    return hal(buildUserBody(account, user));
  }
  const caller = ctx.users.get(pair.userId)!;
  const call: ApiCall = { ctx, request, url: new URL(request.url), account, caller, origin: accountOrigin(account) };
  const sourcesMatch = SOURCES_PATH.exec(path);
  if (sourcesMatch) return handleSourcesRequest(call, sourcesMatch[1]);
  if (path === '/api/v4/leads/pipelines') return handlePipelinesRequest(call);
  if (path === '/api/v4/contacts') return handleContactsRequest(call);
  if (path === '/api/v4/contacts/chats') return handleContactChatsRequest(call);
  return problemResponse(404, 'Not found (this path is not emulated; see the emulator README)', {
    reason: 'not_emulated',
  });
}

function unauthorized(reason: string): Response {
  return problemResponse(401, 'Unauthorized', { reason });
}

const hal = (body: unknown) => halResponse(body);
