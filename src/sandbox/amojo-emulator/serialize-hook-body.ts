/**
 * Serializes a hook body. The escaped form writes `/` as `\/` and non-ASCII as `\uXXXX` (what PHP's json_encode
 * does by default): the bytes then differ from JSON.stringify of the parsed body, so a receiver that verifies a
 * re-serialized body instead of the raw bytes fails here rather than in production.
 */
export function serializeHookBody(body: unknown, escaped: boolean): string {
  const json = JSON.stringify(body);
  if (!escaped) return json;
  return json.replace(/[/\u007f-\uffff]/g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
