/** A successful amoCRM answer: `application/hal+json` (every endpoint page names it), never cached. */
export function halResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/hal+json', 'Cache-Control': 'no-store' },
  });
}
