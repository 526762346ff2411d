import type { StatusFault } from './endpoint-faults';
import { problemResponse } from './problem-response';

/**
 * The answer of a queued fault. A 429 comes from amoCRM itself, as problem+json; a 5xx is what a load balancer in
 * front of it answers, an HTML page, so a client that parses every error body as JSON is caught here.
 */
export function faultResponse(fault: StatusFault): Response {
  const retryAfter = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
  if (fault.status === 429) {
    return problemResponse(429, 'Too many requests (emulated fault)', { reason: 'fault', headers: retryAfter });
  }
  return new Response(`<html><body><h1>${fault.status}</h1></body></html>`, {
    status: fault.status,
    headers: { 'Content-Type': 'text/html', 'X-Emulator-Reject': 'fault', ...retryAfter },
  });
}
