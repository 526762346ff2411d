import { AmocrmError } from './amocrm-error';

/** amoCRM answers "nothing found" (and a done DELETE) with 204 and no body; call.ts reads that as `not_found`. */
export async function nothingFoundAs<T, E>(request: Promise<T>, empty: E): Promise<T | E> {
  try {
    return await request;
  } catch (error) {
    if (
      error instanceof AmocrmError &&
      error.code === 'not_found' &&
      error.status !== undefined &&
      error.status < 300
    ) {
      return empty;
    }
    throw error;
  }
}
