/** What parseAnswerJson returns for text that is not JSON, told apart from an empty body (`undefined`). */
export const NOT_JSON: unique symbol = Symbol('not json');

/**
 * An upstream answer's body: `undefined` when it is empty (a 204, or a 200 with nothing), NOT_JSON when it is not
 * JSON, else the parsed value. The amojo and amoCRM clients each decide what an empty or broken body means.
 */
export function parseAnswerJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}
