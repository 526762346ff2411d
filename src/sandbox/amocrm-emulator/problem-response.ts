const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
};

export interface ProblemOptions {
  /** The specific cause, in the token endpoint's refusals (OAuth servers add one; amoCRM's docs are silent). */
  readonly hint?: string;
  /**
   * A short stable code for people and tests, sent in the non-amoCRM header `X-Emulator-Reject`; a client written
   * against amoCRM must not read it.
   */
  readonly reason?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** amoCRM's error lists, put before the standard fields: `validation-errors` (crm-rest §7) or `errors` (§4.2). */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * An `application/problem+json` answer in the shape of crm-rest §7: `{title, type, status, detail}` with `type` the
 * httpstatus.es URL amoCRM uses, plus `hint` when given.
 */
export function problemResponse(status: number, detail: string, options: ProblemOptions = {}): Response {
  const body = {
    ...options.fields,
    title: TITLES[status] ?? 'Error',
    type: `https://httpstatus.es/${status}`,
    status,
    detail,
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  };
  const headers: Record<string, string> = {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    ...options.headers,
  };
  if (options.reason !== undefined) headers['X-Emulator-Reject'] = options.reason;
  return new Response(JSON.stringify(body), { status, headers });
}
