import type { AmoApp } from './amo-types';

function isAmoApp(value: unknown): value is AmoApp {
  return typeof value === 'object' && value !== null && typeof (value as AmoApp).constant === 'function';
}

/** `APP` is the supported global; `AMOCRM` is its deprecated twin, still the only one on some older pages. */
export function findAmoApp(scope: object): AmoApp | null {
  const app: unknown = Reflect.get(scope, 'APP');
  if (isAmoApp(app)) return app;
  const legacy: unknown = Reflect.get(scope, 'AMOCRM');
  return isAmoApp(legacy) ? legacy : null;
}
