import { ControlError } from '../control-api/control-error';
import { parseControlInput } from '../control-api/parse-control-input';
import {
  accountFilterInput,
  accountInput,
  accountUserInput,
  expireTokensInput,
  installInput,
  pipelineArchiveInput,
  pipelineIdInput,
  rateLimitInput,
  tokenTtlInput,
} from './control-schemas';
import type { ControlApi } from './create-control-api';

/** `body` parses the JSON body (a 400 when it is not JSON); `url` carries the query of the GET lists. */
type Handler = (body: () => unknown, url: URL) => unknown;

/** `?accountId=` of a control list; absent = every account. */
const accountFilter = (url: URL) =>
  parseControlInput(accountFilterInput, Object.fromEntries(url.searchParams)).accountId;

/**
 * The control API under /_control: JSON in, JSON out, never authenticated (it stands for amoCRM's UI and for the
 * developer, not for amoCRM's API). Invalid input is 400 `{error, errors[{path, message}]}`; unknown ids 404.
 */
export function createControlHandler(control: ControlApi): (request: Request) => Promise<Response> {
  const routes: readonly [string, string, Handler][] = [
    ['GET', '/_control/state', () => stateOf(control)],
    ['GET', '/_control/accounts', () => control.listAccounts()],
    ['GET', '/_control/hooks', () => control.listHookDeliveries()],
    ['GET', '/_control/stats', () => control.stats()],
    ['GET', '/_control/faults', () => control.faults()],
    ['POST', '/_control/faults', (body) => control.fault(body() as never)],
    [
      'DELETE',
      '/_control/faults',
      () => {
        control.clearFaults();
        return control.faults();
      },
    ],
    [
      'POST',
      '/_control/install',
      (body) => {
        const input = parseControlInput(installInput, body());
        return control.install(input.accountId, input.userId);
      },
    ],
    ['POST', '/_control/uninstall', (body) => control.uninstall(parseControlInput(accountInput, body()).accountId)],
    [
      'POST',
      '/_control/current-user',
      (body) => {
        const input = parseControlInput(accountUserInput, body());
        control.setCurrentUser(input.accountId, input.userId);
        return control.currentUser(input.accountId);
      },
    ],
    [
      'POST',
      '/_control/codes',
      (body) => {
        const input = parseControlInput(accountUserInput, body());
        return control.issueCode(input.accountId, input.userId);
      },
    ],
    [
      'POST',
      '/_control/token-ttl',
      (body) => {
        control.setAccessTokenTtl(parseControlInput(tokenTtlInput, body()).seconds);
        return control.settings();
      },
    ],
    [
      'POST',
      '/_control/expire-tokens',
      (body) => ({ expired: control.expireAccessTokens(parseControlInput(expireTokensInput, body()).accountId) }),
    ],
    ['GET', '/_control/pipelines', (_body, url) => control.listPipelines(accountFilter(url))],
    ['POST', '/_control/pipelines', (body) => control.addPipeline(body() as never)],
    [
      'POST',
      '/_control/pipelines/archive',
      (body) => {
        const input = parseControlInput(pipelineArchiveInput, body());
        return control.setPipelineArchived(input.pipelineId, input.archived);
      },
    ],
    [
      'DELETE',
      '/_control/pipelines',
      (body) => {
        control.removePipeline(parseControlInput(pipelineIdInput, body()).pipelineId);
        return { removed: true };
      },
    ],
    ['GET', '/_control/contacts', (_body, url) => control.listContacts(accountFilter(url))],
    ['POST', '/_control/contacts', (body) => control.addContact(body() as never)],
    ['GET', '/_control/sources', (_body, url) => control.listSources(accountFilter(url))],
    ['GET', '/_control/chat-bindings', (_body, url) => control.listChatBindings(accountFilter(url))],
    [
      'POST',
      '/_control/rate-limit',
      (body) => {
        control.setRateLimit(parseControlInput(rateLimitInput, body()).perSecond);
        return control.settings();
      },
    ],
  ];

  return async function handleControlRequest(request) {
    const url = new URL(request.url);
    const path = url.pathname;
    const text = await request.text();
    const body = () => {
      try {
        return JSON.parse(text === '' ? '{}' : text);
      } catch {
        throw new ControlError(400, 'body is not valid JSON');
      }
    };
    const candidates = routes.filter(([, routePath]) => routePath === path);
    const route = candidates.find(([method]) => method === request.method);
    if (!route) {
      const status = candidates.length > 0 ? 405 : 404;
      return json(status, { error: status === 405 ? 'method not allowed' : 'no such control route' });
    }
    try {
      return json(200, await route[2](body, url));
    } catch (error) {
      if (!(error instanceof ControlError)) throw error;
      return json(error.status, { error: error.message, ...(error.errors.length ? { errors: error.errors } : {}) });
    }
  };
}

function stateOf(control: ControlApi) {
  return {
    settings: control.settings(),
    accounts: control.listAccounts(),
    codes: control.listCodes(),
    tokenPairs: control.listTokenPairs(),
    hooks: control.listHookDeliveries(),
    faults: control.faults(),
    stats: control.stats(),
    pipelines: control.listPipelines(),
    contacts: control.listContacts(),
    sources: control.listSources(),
    chatBindings: control.listChatBindings(),
  };
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
