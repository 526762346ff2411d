/** amoCRM's "nothing found" (code 2002) and a done DELETE: 204 with no body and no Content-Type (crm-rest §7). */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
}
