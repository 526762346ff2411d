import { ControlError } from '../control-api/control-error';
import { parseControlInput } from '../control-api/parse-control-input';
import {
  accountInput,
  accountUserInput,
  expireTokensInput,
  installInput,
  rateLimitInput,
  tokenTtlInput,
} from './control-schemas';
import type { ControlApi } from './create-control-api';

type Handler = (body: () => unknown) => unknown;

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
    const path = new URL(request.url).pathname;
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
      return json(200, await route[2](body));
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
  };
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
