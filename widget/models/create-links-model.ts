import { batch, computed, signal } from '@preact/signals-core';
import type { LinkCreateRequest, LinkUpdateRequest } from '../../src/contracts/link';
import type { ApiResult, BackendApi } from '../api/backend-api';
import type {
  InstallationState,
  LinkCredentials,
  LinkIssuedResponse,
  LinkItem,
  LinkListResponse,
  LinkTestResponse,
  PipelineOption,
} from '../api/link-views';
import type { PanelFailure, PanelResult } from './panel-failure';

export type LinkAction = 'load' | 'create' | 'update' | 'rotate' | 'test' | 'unlink';

/**
 * What the status badge shows for the account: the backend's state, or what the panel is doing about it. `linked`
 * while at least one number is connected at amojo, `paused` while numbers exist and none is (the installation was
 * removed or lapsed): never shown as linked.
 */
export type LinkView = 'idle' | 'loading' | 'unlinked' | 'linking' | 'linked' | 'paused' | 'error';

/** Why the channel needs the admin to grant access to the account, and where amoCRM's access popup is. */
export interface AccessNeeded {
  readonly state: Exclude<InstallationState, 'active'>;
  readonly grantUrl: string | undefined;
}

/** An action and the number it was about (null: the account as a whole, i.e. load and create). */
export interface LinkTarget {
  readonly action: LinkAction;
  readonly id: string | null;
}

export interface LinkFailure extends LinkTarget {
  readonly failure: PanelFailure;
}

const busyResult: PanelResult<never> = { ok: false, failure: { kind: 'busy' } };

/**
 * The account's numbers as the backend lists them, the pipelines they may route to, and the actions on them. One
 * action runs at a time; late answers after dispose are dropped.
 */
export function createLinksModel(api: BackendApi) {
  const list = signal<LinkListResponse | null>(null);
  /** The account's active pipelines; null until known (a failed read leaves the ids to show). */
  const pipelines = signal<readonly PipelineOption[] | null>(null);
  const busy = signal<LinkTarget | null>(null);
  const failure = signal<LinkFailure | null>(null);
  /** The bridge credentials from the last create or rotation, with the number they belong to; memory only. */
  const credentials = signal<{
    readonly id: string;
    readonly title: string;
    readonly credentials: LinkCredentials;
  } | null>(null);
  const testResult = signal<{ readonly id: string; readonly result: LinkTestResponse } | null>(null);
  /** The last action that finished well, so the panel can confirm it ("Changes saved", "Unlinked"). */
  const lastSuccess = signal<LinkTarget | null>(null);
  let disposed = false;
  /** The action in flight, or the last one; it always resolves (see perform). */
  let running: Promise<unknown> = Promise.resolve();

  const view = computed<LinkView>(() => {
    const current = list.value;
    const action = busy.value?.action;
    if (action === 'load') return 'loading';
    if (action === 'create' && !current?.links.length) return 'linking';
    if (current === null) return failure.value?.action === 'load' ? 'error' : 'idle';
    if (current.links.length === 0) return 'unlinked';
    return current.links.some((link) => link.connected) ? 'linked' : 'paused';
  });

  /**
   * Null while the backend holds a working installation. An answer `account_not_installed` counts too, whatever the
   * last list said: the installation was lost since (its state is then the last known one, or `missing`).
   */
  const access = computed<AccessNeeded | null>(() => {
    const installation = list.value?.installation;
    const last = failure.value?.failure;
    const refused = last?.kind === 'backend' && last.code === 'account_not_installed' ? last : null;
    const state = installation?.state ?? 'active';
    if (state === 'active' && refused === null) return null;
    return { state: state === 'active' ? 'missing' : state, grantUrl: refused?.grantUrl ?? installation?.grant_url };
  });

  /** Only admins may change numbers; the backend says who is asking with every list. */
  const readOnly = computed(() => list.value?.viewer.is_admin === false);
  /** The account runs as many numbers as the platform allows sources. */
  const atLimit = computed(() => (list.value?.links.length ?? 0) >= (list.value?.limit ?? 1));

  /** The numbers with `link` in its place (or added at the end) and without the one `dropId` names. */
  function change(link: LinkItem | null, dropId?: string) {
    const current = list.peek();
    if (current === null) return;
    const links = current.links.filter((known) => known.id !== dropId);
    const at = links.findIndex((known) => known.id === link?.id);
    if (link !== null) links.splice(at < 0 ? links.length : at, at < 0 ? 0 : 1, link);
    list.value = { ...current, links };
  }

  function run<T>(
    action: LinkAction,
    id: string | null,
    send: () => Promise<ApiResult<T>>,
    apply: (value: T) => void,
  ): Promise<PanelResult<T>> {
    if (busy.peek() !== null) return Promise.resolve(busyResult);
    const target = { action, id };
    batch(() => {
      busy.value = target;
      failure.value = null;
      lastSuccess.value = null;
      if (action !== 'load') testResult.value = null;
    });
    const done = (async (): Promise<ApiResult<T>> => {
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
          lastSuccess.value = target;
        } else {
          failure.value = { action, id, failure: result.failure };
          // the backend no longer knows this number (unlinked elsewhere): drop it instead of showing a stale one
          if (result.failure.kind === 'backend' && result.failure.code === 'link_not_found' && id !== null) {
            change(null, id);
          }
        }
      });
      return result;
    })();
    running = done;
    return done;
  }

  function issued(value: LinkIssuedResponse) {
    change(value.link);
    credentials.value = { id: value.link.id, title: value.link.title, credentials: value.credentials };
  }

  return {
    list,
    pipelines,
    busy,
    failure,
    credentials,
    testResult,
    lastSuccess,
    view,
    access,
    readOnly,
    atLimit,
    /** Resolves once the action in flight, if any, has finished; it never rejects. */
    settled: () => running,
    /** The list and the pipelines together; the pipelines are a nicety (names), so their failure is not the load's. */
    load: () =>
      run(
        'load',
        null,
        async () => {
          const [listed, known] = await Promise.all([api.list(), api.pipelines()]);
          if (known.ok && !disposed) pipelines.value = known.value.pipelines;
          return listed;
        },
        (value) => {
          list.value = value;
        },
      ),
    create: (request: LinkCreateRequest) => run('create', null, () => api.create(request), issued),
    update: (id: string, request: LinkUpdateRequest) =>
      run(
        'update',
        id,
        () => api.update(id, request),
        (value) => change(value.link),
      ),
    rotate: (id: string) => run('rotate', id, () => api.rotate(id), issued),
    test: (id: string) =>
      run(
        'test',
        id,
        () => api.test(id),
        (result) => {
          testResult.value = { id, result };
        },
      ),
    unlink: (id: string) =>
      run(
        'unlink',
        id,
        () => api.unlink(id),
        () => {
          change(null, id);
          if (credentials.peek()?.id === id) credentials.value = null;
        },
      ),
    /** Records a failure the panel found before sending anything (invalid form, missing amojo id, no consent). */
    reject(action: LinkAction, id: string | null, reason: PanelFailure) {
      batch(() => {
        failure.value = { action, id, failure: reason };
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

export type LinksModel = ReturnType<typeof createLinksModel>;
