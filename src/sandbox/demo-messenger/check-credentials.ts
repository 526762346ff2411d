import { z } from 'zod/mini';
import {
  BRIDGE_RESPONSE_CONTEXT,
  BRIDGE_RESPONSE_SIGNATURE_HEADER,
  BRIDGE_TIMESTAMP_HEADER,
} from '../../bridge/sign-bridge-delivery';
import { verifyBridgeDelivery } from '../../bridge/verify-bridge-delivery';
import { type BridgeMe, bridgeMe, bridgePaths } from '../../contracts/bridge';

export interface CredentialCheckDeps {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Unix ms. */
  now: () => number;
}

export interface CandidateCredentials {
  bridgeUrl: string;
  apiKey: string;
  /** Checked too when given: the answer's signature must verify with it. */
  signingSecret?: string | undefined;
}

export type CredentialProblem =
  | 'api_key_invalid'
  | 'not_linked'
  | 'signing_secret_mismatch'
  | 'signature_unverifiable'
  | 'bridge_unreachable'
  | 'bridge_error';

export type CredentialCheck =
  | { ok: true; me: BridgeMe }
  | { ok: false; code: CredentialProblem; message: string; bridgeStatus: number | null };

const problem = (code: CredentialProblem, message: string, bridgeStatus: number | null = null): CredentialCheck => ({
  ok: false,
  code,
  message,
  bridgeStatus,
});

/**
 * Asks the bridge whose key this is (`GET /bridge/v1/me`) and, with a signing secret, verifies the signature of the
 * answer exactly as a delivery is verified: a secret that fails here would fail on every delivery too. Runs when the
 * admin saves, so a wrong key or a stale secret is named then, not on the first message.
 */
export async function checkCredentials(
  deps: CredentialCheckDeps,
  candidate: CandidateCredentials,
): Promise<CredentialCheck> {
  let response: Response;
  let raw: Uint8Array;
  try {
    response = await deps.fetch(`${candidate.bridgeUrl}${bridgePaths.me}`, {
      headers: { Authorization: `Bearer ${candidate.apiKey}` },
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    raw = new Uint8Array(await response.arrayBuffer());
  } catch {
    return problem(
      'bridge_unreachable',
      `The bridge at ${candidate.bridgeUrl} could not be reached; nothing was saved.`,
    );
  }
  if (response.status === 401) {
    return problem(
      'api_key_invalid',
      'The bridge does not accept this API key (it is mistyped, or the link was rotated or relinked since). ' +
        'Copy the current one from the widget panel.',
      401,
    );
  }
  if (response.status === 404 && codeOf(raw) === 'not_linked') {
    return problem('not_linked', 'This API key belongs to an account that is no longer linked; link it again.', 404);
  }
  const parsed = response.ok ? z.safeParse(bridgeMe, parseJson(raw)) : undefined;
  if (!parsed?.success) {
    return problem('bridge_error', `The bridge answered the key check with HTTP ${response.status}.`, response.status);
  }
  if (candidate.signingSecret === undefined) return { ok: true, me: parsed.data };
  const verdict = verifyBridgeDelivery({
    secrets: [candidate.signingSecret],
    timestamp: response.headers.get(BRIDGE_TIMESTAMP_HEADER),
    signature: response.headers.get(BRIDGE_RESPONSE_SIGNATURE_HEADER),
    body: raw,
    now: Math.floor(deps.now() / 1000),
    context: BRIDGE_RESPONSE_CONTEXT,
  });
  if (verdict === 'mismatch') {
    return problem(
      'signing_secret_mismatch',
      'The signing secret does not match this API key’s link: it is stale (the link was rotated or relinked) or ' +
        'mistyped. Copy the current one from the widget panel.',
      200,
    );
  }
  if (verdict !== 'ok') {
    const why = verdict === 'stale' ? 'its clock and this one differ by over 5 minutes' : 'the answer is not signed';
    return problem('signature_unverifiable', `The signing secret could not be checked: ${why}.`, 200);
  }
  return { ok: true, me: parsed.data };
}

function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    return undefined;
  }
}

function codeOf(raw: Uint8Array): string | undefined {
  const code = (parseJson(raw) as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
