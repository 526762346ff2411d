export type FaultRule =
  | { readonly status: number; readonly retryAfter?: number; readonly count: number }
  | { readonly stallMs: number; readonly count: number };

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number }
  | { readonly kind: 'stall'; readonly stallMs: number };

/**
 * Misbehaviour queued by the control API. Rules apply in the order they were added; each API request consumes one
 * unit of the first rule that still has some left, before anything else about the request is looked at.
 */
export class FaultInjector {
  private readonly rules: { fault: Fault; remaining: number }[] = [];

  add(rule: FaultRule): void {
    const fault: Fault =
      'status' in rule
        ? {
            kind: 'status',
            status: rule.status,
            ...(rule.retryAfter === undefined ? {} : { retryAfter: rule.retryAfter }),
          }
        : { kind: 'stall', stallMs: rule.stallMs };
    this.rules.push({ fault, remaining: rule.count });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Remaining rules, for inspection. */
  pending(): readonly (Fault & { readonly remaining: number })[] {
    return this.rules.map(({ fault, remaining }) => ({ ...fault, remaining }));
  }

  take(): Fault | undefined {
    const rule = this.rules[0];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.shift();
    return rule.fault;
  }
}
