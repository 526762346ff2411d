import type { IncomingMessage } from 'node:http';
import type { z } from 'zod/mini';
import { type JsonBodyWording, readJsonBody } from '../http/read-json-body';

/** The bridge's own words for a refused body, as docs/bridge.md shows them; a malformed body names no field. */
const bridgeBodyWording: JsonBodyWording = {
  unsupportedMediaType: 'Send the body as JSON with Content-Type: application/json.',
  tooLarge: (maxBytes) => `The body is larger than the ${Math.floor(maxBytes / 1024)} KB this endpoint accepts.`,
  malformed: 'The body is not valid UTF-8 JSON.',
  malformedIssue: false,
  schemaMismatch: 'The body does not match the bridge contract; see issues.',
};

/**
 * A bridge request's JSON body, checked in readJsonBody's order (415, 413, 400, 400 with issues) and worded as the
 * bridge docs show. `incoming`, the node:http request behind `request`, is read directly while still unread: both
 * bindings of the message route (the app and bridge-node-handler.ts) read it that way.
 */
export function readBridgeBody<S extends z.core.$ZodType>(
  request: Request,
  schema: S,
  maxBytes: number,
  incoming: IncomingMessage | undefined,
): Promise<z.infer<S>> {
  return readJsonBody(request, schema, { maxBytes, incoming, wording: bridgeBodyWording });
}
