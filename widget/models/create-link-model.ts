import { batch, computed, signal } from '@preact/signals-core';
import type {
  InstallationState,
  LinkCredentials,
  LinkPutRequest,
  LinkPutResponse,
  LinkStatus,
  LinkTestResponse,
} from '../../src/contracts/link';
import type { ApiResult, BackendApi } from '../api/backend-api';
import type { PanelFailure, PanelResult } from './panel-failure';

export type LinkAction = 'load' | 'link' | 'rotate' | 'test' | 'unlink';

/**
 * What the status badge shows: the backend's state, or what the panel is doing about it. `paused` is a link whose
 * channel is not connected at amojo now (the installation was removed or lapsed): never shown as linked.
 */
export type LinkView = 'idle' | 'loading' | 'unlinked' | 'linking' | 'linked' | 'paused' | 'error';

/** Why the channel needs the admin to grant access to the account, and where amoCRM's access popup is. */
export interface AccessNeeded {
  readonly state: Exclude<InstallationState, 'active'>;
  readonly grantUrl: string | undefined;
}

export interface LinkFailure {
  readonly action: LinkAction;
  readonly failure: PanelFailure;
}

const busyResult: PanelResult<never> = { ok: false, failure: { kind: 'busy' } };

/** The link's backend state and the actions on it. One action runs at a time; late answers after dispose are dropped. */
export function createLinkModel(api: BackendApi) {
  const status = signal<LinkStatus | null>(null);
  const busy = signal<LinkAction | null>(null);
  const failure = signal<LinkFailure | null>(null);
  /** The bridge credentials from the last link or rotation; held in memory only, never persisted. */
  const credentials = signal<LinkCredentials | null>(null);
  const testResult = signal<LinkTestResponse | null>(null);
  /** The last action that finished well, so the panel can confirm it ("Changes saved", "Unlinked"). */
  const lastSuccess = signal<LinkAction | null>(null);
  let disposed = false;
  /** The action in flight, or the last one; it always resolves (see perform). */
  let running: Promise<unknown> = Promise.resolve();

  const view = computed<LinkView>(() => {
    const current = status.value;
    if (busy.value === 'load') return 'loading';
    if (busy.value === 'link' && current?.state !== 'linked') return 'linking';
    if (current?.state === 'linked' && !current.connected) return 'paused';
    if (current !== null) return current.state;
    return failure.value?.action === 'load' ? 'error' : 'idle';
  });

  /**
   * Null while the backend holds a working installation. An answer `account_not_installed` counts too, whatever the
   * last status said: the installation was lost since (its state is then the last known one, or `missing`).
   */
  const access = computed<AccessNeeded | null>(() => {
    const installation = status.value?.installation;
    const last = failure.value?.failure;
    const refused = last?.kind === 'backend' && last.code === 'account_not_installed' ? last : null;
    const state = installation?.state ?? 'active';
    if (state === 'active' && refused === null) return null;
    return { state: state === 'active' ? 'missing' : state, grantUrl: refused?.grantUrl ?? installation?.grant_url };
  });

  /** Only admins may change the link; the backend says who is asking with every status. */
  const readOnly = computed(() => status.value?.viewer.is_admin === false);

  function run<T>(
    action: LinkAction,
    send: () => Promise<ApiResult<T>>,
    apply: (value: T) => void,
  ): Promise<PanelResult<T>> {
    if (busy.peek() !== null) return Promise.resolve(busyResult);
    batch(() => {
      busy.value = action;
      failure.value = null;
      lastSuccess.value = null;
      if (action !== 'load') testResult.value = null;
    });
    running = perform(action, send, apply);
    return running as Promise<PanelResult<T>>;
  }

  async function perform<T>(
    action: LinkAction,
    send: () => Promise<ApiResult<T>>,
    apply: (value: T) => void,
  ): Promise<PanelResult<T>> {
    let result: ApiResult<T>;
    try {
      result = await send();
    } catch {
      // a broken host (CrmHost.request promises never to reject) fails like no answer, so busy is always cleared
      result = { ok: false, failure: { kind: 'network' } };
    }
    if (disposed) return result;
    batch(() => {
      busy.value = null;
      if (result.ok) {
        apply(result.value);
        lastSuccess.value = action;
      } else {
        failure.value = { action, failure: result.failure };
        // the backend says there is no link any more: show that instead of a stale "linked"
        const known = status.peek();
        if (result.failure.kind === 'backend' && result.failure.code === 'not_linked' && known !== null) {
          const { account, installation, viewer } = known;
          status.value = { state: 'unlinked', account, installation, viewer };
        }
      }
    });
    return result;
  }

  return {
    status,
    busy,
    failure,
    credentials,
    testResult,
    lastSuccess,
    view,
    access,
    readOnly,
    /** Resolves once the action in flight, if any, has finished; it never rejects. */
    settled: () => running,
    load: () =>
      run('load', api.getStatus, (value) => {
        status.value = value;
      }),
    link: (request: LinkPutRequest): Promise<PanelResult<LinkPutResponse>> =>
      run(
        'link',
        () => api.link(request),
        (value) => {
          status.value = value.status;
          if (value.created) credentials.value = value.credentials;
        },
      ),
    rotate: () =>
      run('rotate', api.rotate, (value) => {
        status.value = value.status;
        credentials.value = value.credentials;
      }),
    test: () =>
      run('test', api.test, (value) => {
        testResult.value = value;
      }),
    unlink: () =>
      run('unlink', api.unlink, (value) => {
        status.value = value.status;
        credentials.value = null;
      }),
    /** Records a failure the panel found before sending anything (invalid form, missing amojo id, no consent). */
    reject(action: LinkAction, reason: PanelFailure) {
      batch(() => {
        failure.value = { action, failure: reason };
        lastSuccess.value = null;
      });
    },
    dismissCredentials() {
      credentials.value = null;
    },
    dispose() {
      disposed = true;
      credentials.value = null;
    },
  };
}

export type LinkModel = ReturnType<typeof createLinkModel>;
