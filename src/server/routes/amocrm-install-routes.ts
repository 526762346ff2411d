import { createHash, randomBytes } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod/mini';
import { parseReferer } from '../../amocrm/parse-referer';
import { verifyDisconnectHook } from '../../amocrm/verify-disconnect-hook';
import { AppError } from '../../http/app-error';
import { errorResponse } from '../../http/error-response';
import { sealOAuthCode } from '../../installation/oauth-code-seal';
import { verifyOAuthState } from '../../installation/oauth-state';
import { uninstallAccount } from '../../installation/uninstall-account';
import { installOrderingKey } from '../../jobs/ordering-keys';
import type { Logger } from '../../observability/create-logger';
import { enqueue, findJobByKey } from '../../store/outbox-repo';
import { hitRateLimit, type RateLimitRule } from '../../store/rate-limits-repo';
import type { Database } from '../../store/schema';
import type { SecretBox } from '../../store/secret-box';
import { markTokenSeen } from '../../store/token-ids-repo';
import { type GrantOutcome, grantOutcomeOk, outcomeOfInstallError } from './amocrm-install/grant-outcome';
import { type GrantPageLang, type GrantPageTexts, pickGrantPageLang } from './amocrm-install/grant-page-texts';
import { renderGrantPage } from './amocrm-install/render-grant-page';

export interface AmocrmInstallDeps {
  db: Kysely<Database>;
  secretBox: SecretBox;
  /** The path of AMOCRM_REDIRECT_URI. */
  redirectPath: string;
  clientId: string;
  clientSecret: string;
  /** deriveOAuthStateKey(DATA_ENCRYPTION_KEY). */
  stateKey: Buffer;
  texts: Record<GrantPageLang, GrantPageTexts>;
  /** Wakes the worker that runs the queued install. */
  onQueued: () => void;
  now?: () => number;
  /** How long a browser's page waits for the exchange before saying it is still running (default 8 s). */
  waitMs?: number;
  logger: Logger;
}

// amoCRM's parameters are short; anything longer is no grant of theirs.
const param = z.optional(z.string().check(z.maxLength(4096)));
const redirectQuery = z.object({
  code: param,
  referer: param,
  state: param,
  from_widget: param,
  platform: param,
  error: param,
});

const POLL_MS = 100;
const MAX_WAITING = 64;
/** Codes per account host and per caller address in a minute; an account installs a handful of times in its life. */
const PER_HOST: RateLimitRule = { limit: 10, windowMs: 60_000 };
const PER_CLIENT: RateLimitRule = { limit: 60, windowMs: 60_000 };

async function allowed(db: Kysely<Database>, now: number, host: string, client: string): Promise<boolean> {
  const byHost = await hitRateLimit(db, now, `amocrm-install-host:${host}`, PER_HOST);
  if (!byHost.allowed) return false;
  return (await hitRateLimit(db, now, `amocrm-install-client:${client}`, PER_CLIENT)).allowed;
}

/** The TCP peer; in-process requests (tests) have none and share one allowance. */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The two calls amoCRM makes to the integration: the OAuth redirect (install webhook and access popup) and the
 * disconnect hook. Who the account is comes from amoCRM's answers, never from these requests: the redirect only
 * says where to exchange the code (a host that must be an amoCRM account's, checked before our client secret goes
 * there), and the hook is believed only with its HMAC. Every refusal changes nothing.
 */
export function amocrmInstallRoutes(deps: AmocrmInstallDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  let waiting = 0;

  app.get(deps.redirectPath, async (c) => {
    const parsed = z.safeParse(redirectQuery, c.req.query());
    const query = parsed.success ? parsed.data : {};
    const state =
      query.state === undefined ? undefined : verifyOAuthState(query.state, { key: deps.stateKey, now: now() });
    const answer = (outcome: GrantOutcome) =>
      respond(c, deps, outcome, { postMessage: state != null, lang: state?.lang, status: statusOf(outcome) });

    if (query.state !== undefined) {
      // A state we did not issue, an expired one, or one used before: someone else's popup or a replayed redirect.
      if (!state || !(await markTokenSeen(deps.db, `oauth-state:${state.nonce}`, state.expiresAt))) {
        return respond(c, deps, 'state_invalid', { postMessage: false, status: 400 });
      }
    }
    if (query.error === 'access_denied') return answer('access_denied');
    if (query.code === undefined || query.code === '') return answer('code_missing');
    const host = query.referer === undefined ? null : parseReferer(query.referer);
    if (host === null) return answer('referer_invalid');

    const at = now();
    // Anyone may call this URL, and each code costs a job and a call to amoCRM with our secret: bounded per account
    // host and per caller address (behind a proxy, that is the proxy's: then a cap for all, still far above installs).
    if (!(await allowed(deps.db, at, `${host.subdomain}.${host.domain}`, clientAddress(c)))) return answer('busy');

    const digest = createHash('sha256').update(query.code).digest('base64url');
    const idempotencyKey = `amocrm.install:${digest}`;
    const job = {
      kind: 'amocrm.install' as const,
      host: `${host.subdomain}.${host.domain}`,
      codeEnc: sealOAuthCode(deps.secretBox, query.code),
      ...(state ? { expectedAccountId: state.accountId } : {}),
      receivedAt: at,
    };
    // One job per code: a replayed redirect finds the first one's result instead of exchanging twice.
    await enqueue(
      deps.db,
      { idempotencyKey, kind: job.kind, payload: JSON.stringify(job), orderingKey: installOrderingKey(job.host) },
      at,
    );
    deps.onQueued();
    deps.logger.info(
      { host: job.host, fromWidget: query.from_widget !== undefined, popup: state != null },
      'oauth code queued',
    );
    // The install webhook: amoCRM waits 3 s and ignores the answer, so it gets one at once.
    if (state == null && !wantsHtml(c)) return answer('queued');
    // Each waiting browser polls the store; past the cap the page says the grant is still being confirmed.
    if (waiting >= MAX_WAITING) return answer('pending');
    waiting += 1;
    try {
      return answer(await waitForInstall(deps, idempotencyKey));
    } finally {
      waiting -= 1;
    }
  });

  app.get('/amocrm/disconnect', async (c) => {
    const verdict = verifyDisconnectHook(c.req.query(), { clientId: deps.clientId, clientSecret: deps.clientSecret });
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, 'disconnect hook refused');
      const error =
        verdict.reason === 'signature_invalid' || verdict.reason === 'client_mismatch'
          ? new AppError('signature_invalid', 'The disconnect hook is not signed by this integration.')
          : new AppError('invalid_request', 'The disconnect hook needs account_id, client_uuid and signature.');
      const res = errorResponse(error);
      return c.json(res.body, res.status as 400 | 401);
    }
    const result = await uninstallAccount(deps.db, verdict.accountId, now(), deps.logger);
    deps.onQueued();
    return c.json({ status: 'ok', removed: result.removed, parked_jobs: result.parkedJobs });
  });

  return app;
}

function statusOf(outcome: GrantOutcome): 200 | 400 | 403 | 429 {
  if (grantOutcomeOk(outcome)) return 200;
  if (outcome === 'busy') return 429;
  return outcome === 'access_denied' || outcome === 'not_admin' ? 403 : 400;
}

function wantsHtml(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/html');
}

function respond(
  c: Context,
  deps: AmocrmInstallDeps,
  outcome: GrantOutcome,
  options: { postMessage: boolean; lang?: string | undefined; status: 200 | 400 | 403 | 429 },
) {
  if (!options.postMessage && !wantsHtml(c)) {
    return c.json({ outcome, ok: grantOutcomeOk(outcome) }, options.status);
  }
  const lang = pickGrantPageLang(options.lang, c.req.header('accept-language'));
  const nonce = randomBytes(16).toString('base64');
  const html = renderGrantPage({ outcome, lang, texts: deps.texts[lang], postMessage: options.postMessage, nonce });
  return c.html(html, options.status, {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'`,
    'Referrer-Policy': 'no-referrer',
  });
}

/**
 * The browser waits for the exchange, up to `waitMs`: the page then says what happened instead of "working on it".
 * A real duration, so it is measured on the monotonic clock, not on the injected clock of business time.
 */
async function waitForInstall(deps: AmocrmInstallDeps, idempotencyKey: string): Promise<GrantOutcome> {
  const deadline = performance.now() + (deps.waitMs ?? 8000);
  for (;;) {
    const job = await findJobByKey(deps.db, idempotencyKey);
    if (job?.status === 'done') return 'granted';
    if (job?.status === 'dead') return outcomeOfInstallError(job.lastError);
    if (performance.now() >= deadline) return 'pending';
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
