/**
 * The emulated endpoints a fault can target: the token endpoint, /api/v4/account, /api/v4/users/{id},
 * /api/v4/sources[/{id}], /api/v4/leads/pipelines, /api/v4/contacts and /api/v4/contacts/chats.
 */
export const FAULT_ENDPOINTS = [
  'token',
  'account',
  'users',
  'sources',
  'pipelines',
  'contacts',
  'contacts_chats',
] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];
const noLatency = () =>
  Object.fromEntries(FAULT_ENDPOINTS.map((endpoint) => [endpoint, 0])) as Record<FaultEndpoint, number>;

export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export interface StatusFault {
  readonly status: FaultStatus;
  /** Seconds, sent as `Retry-After` when given. */
  readonly retryAfter?: number;
}

export interface FaultsView {
  readonly statuses: readonly (StatusFault & { readonly endpoint: FaultEndpoint; readonly remaining: number })[];
  readonly latencyMs: Readonly<Record<FaultEndpoint, number>>;
  readonly refuseRefresh: boolean;
}

/**
 * Misbehaviour switched on by the control API. The amojo emulator's FaultInjector keeps one queue for the whole API;
 * here each endpoint has its own queue (a token-endpoint outage must not eat the next account call's fault), its own
 * latency, and the token endpoint a "refuse every refresh" switch.
 */
export class EndpointFaults {
  private readonly queue: { endpoint: FaultEndpoint; fault: StatusFault; remaining: number }[] = [];
  private readonly latency: Record<FaultEndpoint, number> = noLatency();
  private refusing = false;

  addStatus(endpoint: FaultEndpoint, fault: StatusFault, count: number): void {
    this.queue.push({ endpoint, fault: { ...fault }, remaining: count });
  }

  /** The status the next call to `endpoint` answers, if any is queued; takes one unit of it. */
  takeStatus(endpoint: FaultEndpoint): StatusFault | undefined {
    const index = this.queue.findIndex((rule) => rule.endpoint === endpoint);
    const rule = this.queue[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.queue.splice(index, 1);
    return rule.fault;
  }

  /** Every later call to `endpoint` waits this long before it is handled; 0 switches it off. */
  setLatency(endpoint: FaultEndpoint, ms: number): void {
    this.latency[endpoint] = ms;
  }

  latencyOf(endpoint: FaultEndpoint): number {
    return this.latency[endpoint];
  }

  setRefuseRefresh(on: boolean): void {
    this.refusing = on;
  }

  refusesRefresh(): boolean {
    return this.refusing;
  }

  clear(): void {
    this.queue.length = 0;
    Object.assign(this.latency, noLatency());
    this.refusing = false;
  }

  view(): FaultsView {
    return {
      statuses: this.queue.map(({ endpoint, fault, remaining }) => ({ endpoint, ...fault, remaining })),
      latencyMs: { ...this.latency },
      refuseRefresh: this.refusing,
    };
  }
}
