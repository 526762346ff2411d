import type { Hono } from 'hono';
import { AppError } from './app-error';
import { errorResponse } from './error-response';

/**
 * Answers every other method on each of `routes` ([path, allowed methods]) with 405 and an `Allow` header. Register it
 * after the routes themselves: hono matches in order, so the real handlers keep their methods.
 */
export function answerOtherMethods(app: Hono, routes: ReadonlyArray<readonly [path: string, allow: string]>): void {
  for (const [path, allow] of routes) {
    app.all(path, (c) => {
      const res = errorResponse(new AppError('method_not_allowed', `${c.req.method} is not allowed here.`));
      return c.json(res.body, 405, { Allow: allow });
    });
  }
}
