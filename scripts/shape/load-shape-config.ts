import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { IConfiguration } from 'dependency-cruiser';

/** The one file that states the folder rules, read by `npx depcruise` as well. */
export const shapeConfigPath = fileURLToPath(new URL('../../.dependency-cruiser.cjs', import.meta.url));

/** The folder rules of {@link shapeConfigPath}. */
export function loadShapeConfig(): IConfiguration {
  return createRequire(import.meta.url)(shapeConfigPath) as IConfiguration;
}
