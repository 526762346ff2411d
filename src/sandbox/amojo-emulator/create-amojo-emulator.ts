import { randomUUID } from 'node:crypto';
import type { ApiResponse } from './api-response';
import { type ControlApi, createControlApi } from './create-control-api';
import { type ControlRequest, createControlHandler } from './create-control-handler';
import { createHookEmitter } from './create-hook-emitter';
import { createInspectionApi, type InspectionApi } from './create-inspection-api';
import type { EmulatorContext, ReactionHookFormat } from './emulator-context';
import { EmulatorStore } from './emulator-store';
import type { ParticipantRecord } from './emulator-types';
import { type Fault, FaultInjector } from './fault-injector';
import { type ApiRequest, handleApiRequest } from './handle-api-request';

export interface AmojoEmulatorOptions {
  readonly channelId: string;
  /** Channel secret: verifies every API request. */
  readonly secret: string;
  /** Registered hook URL with a literal `:scope_id`, e.g. http://127.0.0.1:8080/amojo/webhook/:scope_id */
  readonly hookUrl: string;
  /** Signs hooks; the channel secret when omitted (as on real amojo). */
  readonly hookSecret?: string;
  /** Default connection title (amojo uses the registered channel name). */
  readonly channelTitle?: string;
  readonly now?: () => Date;
  /** Used to deliver hooks. */
  readonly fetch?: typeof fetch;
  /** Mints amojo ids (UUIDs by default). */
  readonly newId?: () => string;
  /** amoCRM users who act through the control API; one "Sandbox Manager" by default. */
  readonly managers?: readonly { readonly id?: string; readonly name: string }[];
  /** The channel bot from registration (the ref_id of bot-authored imports). */
  readonly bot?: { readonly id?: string; readonly name?: string };
  readonly reactionHookFormat?: ReactionHookFormat;
  /** How long a hook receiver may take before the delivery counts as failed; amojo allows 5 s. */
  readonly hookTimeoutMs?: number;
  /** Escape `/` and non-ASCII in hook bodies (default true; see serialize-hook-body). */
  readonly escapeHookJson?: boolean;
}

/** The emulator without a server: `startAmojoEmulator` puts it on node:http. */
export interface AmojoEmulator extends InspectionApi, ControlApi {
  readonly channelId: string;
  readonly managers: readonly ParticipantRecord[];
  readonly bot: ParticipantRecord;
  /** The amojo core without HTTP (and without misbehaviour), for in-process use. */
  handle(request: ApiRequest): ApiResponse;
  /** The control API (`/_control/...`) without HTTP. */
  handleControl(request: ControlRequest): Promise<ApiResponse>;
  /** The misbehaviour the next API request gets, if any is queued (takes one unit of it). */
  takeMisbehaviour(): Fault | undefined;
  /** Resolves once every hook delivery started so far has finished. */
  hooksSettled(): Promise<void>;
}

/** Builds the emulator in memory; it listens on nothing (hooks go out only when a control method asks). */
export function createAmojoEmulator(options: AmojoEmulatorOptions): AmojoEmulator {
  const store = new EmulatorStore();
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const hooks = createHookEmitter({
    hookUrl: options.hookUrl,
    hookSecret: options.hookSecret ?? options.secret,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    timeoutMs: options.hookTimeoutMs ?? 5000,
    escapeJson: options.escapeHookJson ?? true,
    log: store.hooks,
  });
  const ctx: EmulatorContext = {
    channelId: options.channelId,
    channelTitle: options.channelTitle ?? 'amojo emulator',
    secret: options.secret,
    store,
    hooks,
    now,
    newId,
    reactionHookFormat: options.reactionHookFormat ?? 'msgid',
  };
  const managers = (options.managers ?? [{ name: 'Sandbox Manager' }]).map((manager) =>
    store.addParticipant({ id: manager.id ?? newId(), kind: 'manager', name: manager.name }),
  );
  const bot = store.addParticipant({ id: options.bot?.id ?? newId(), kind: 'bot', name: options.bot?.name ?? 'Bot' });
  const faults = new FaultInjector();
  const control = createControlApi(ctx, faults);
  const inspect = createInspectionApi(store, faults);
  const handleControl = createControlHandler(control, inspect);
  return {
    ...inspect,
    ...control,
    channelId: options.channelId,
    managers: structuredClone(managers),
    bot: structuredClone(bot),
    handle: (request) => handleApiRequest(ctx, request),
    handleControl,
    takeMisbehaviour: () => faults.take(),
    hooksSettled: () => hooks.settled(),
  };
}
