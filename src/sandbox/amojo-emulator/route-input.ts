import type { ApiResponse } from './api-response';
import type { EmulatorContext } from './emulator-context';
import type { ConnectionRecord } from './emulator-types';

export interface RouteInput {
  readonly ctx: EmulatorContext;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Uint8Array;
}

/** Input of the per-scope endpoints, called only once the scope is known to be connected. */
export interface ScopedRouteInput extends RouteInput {
  readonly connection: ConnectionRecord;
}

export type RouteHandler<I extends RouteInput = RouteInput> = (input: I) => ApiResponse;
