/** A framework-free response, so the amojo core can be called in-process as well as over node:http. */
export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;
const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8' } as const;

export function jsonResponse(status: number, value: unknown): ApiResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(value) };
}

/** 200/204 without a body, as amojo answers disconnect, delivery_status, react and typing. */
export function emptyResponse(status: number): ApiResponse {
  return { status };
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...TEXT_HEADERS, ...headers }, body: text };
}
