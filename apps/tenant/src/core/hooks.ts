/**
 * Named hooks, PocketBase style: every record/collection change and API request goes through
 * `trigger(name, event, final)`, which runs the bound handlers as a chain (each calls
 * `e.next()` to continue) and then `final`. Handlers are synchronous because they run inside
 * the request's SQLite transaction.
 */

/** Every event name the tenant fires. */
export const HOOK_NAMES = [
  // models (collections and records alike, as PocketBase)
  'OnModelValidate', 'OnModelCreate', 'OnModelCreateExecute', 'OnModelAfterCreateSuccess', 'OnModelAfterCreateError',
  'OnModelUpdate', 'OnModelUpdateExecute', 'OnModelAfterUpdateSuccess', 'OnModelAfterUpdateError',
  'OnModelDelete', 'OnModelDeleteExecute', 'OnModelAfterDeleteSuccess', 'OnModelAfterDeleteError',
  // records
  'OnRecordEnrich', 'OnRecordValidate', 'OnRecordCreate', 'OnRecordCreateExecute', 'OnRecordAfterCreateSuccess',
  'OnRecordAfterCreateError', 'OnRecordUpdate', 'OnRecordUpdateExecute', 'OnRecordAfterUpdateSuccess',
  'OnRecordAfterUpdateError', 'OnRecordDelete', 'OnRecordDeleteExecute', 'OnRecordAfterDeleteSuccess',
  'OnRecordAfterDeleteError',
  // collections
  'OnCollectionValidate', 'OnCollectionCreate', 'OnCollectionCreateExecute', 'OnCollectionAfterCreateSuccess',
  'OnCollectionAfterCreateError', 'OnCollectionUpdate', 'OnCollectionUpdateExecute', 'OnCollectionAfterUpdateSuccess',
  'OnCollectionAfterUpdateError', 'OnCollectionDelete', 'OnCollectionDeleteExecute', 'OnCollectionAfterDeleteSuccess',
  'OnCollectionAfterDeleteError',
  // requests
  'OnRecordsListRequest', 'OnRecordViewRequest', 'OnRecordCreateRequest', 'OnRecordUpdateRequest', 'OnRecordDeleteRequest',
  'OnRecordAuthRequest', 'OnRecordAuthWithPasswordRequest', 'OnRecordAuthRefreshRequest', 'OnRecordImpersonateRequest'
  , 'OnCollectionsListRequest', 'OnCollectionViewRequest', 'OnCollectionCreateRequest', 'OnCollectionUpdateRequest',
  'OnCollectionDeleteRequest', 'OnCollectionsImportRequest', 'OnCollectionTruncateRequest',
  'OnSettingsListRequest', 'OnSettingsUpdateRequest', 'OnSettingsReload', 'OnBatchRequest',
  'OnFileTokenRequest', 'OnFileDownloadRequest',
  'OnRecordRequestVerificationRequest', 'OnRecordConfirmVerificationRequest', 'OnRecordRequestPasswordResetRequest',
  'OnRecordConfirmPasswordResetRequest', 'OnRecordRequestEmailChangeRequest', 'OnRecordConfirmEmailChangeRequest',
  'OnRecordRequestOTPRequest', 'OnRecordAuthWithOTPRequest', 'OnRecordAuthWithOAuth2Request',
  // mails
  'OnMailerRecordVerificationSend', 'OnMailerRecordPasswordResetSend', 'OnMailerRecordEmailChangeSend',
  'OnMailerRecordOTPSend', 'OnMailerRecordAuthAlertSend',
  // app lifecycle
  'OnBootstrap', 'OnServe', 'OnTerminate',
] as const;

/** One of HOOK_NAMES. */
export type HookName = (typeof HOOK_NAMES)[number];

/** What every handler receives: the event's own fields plus `next()`. */
export type HookEvent<E> = E & { next(): void };

/** A bound handler. */
export type HookHandler<E = Record<string, unknown>> = (e: HookEvent<E>) => void;

interface Bound {
  id: number;
  fn: HookHandler<never>;
}

/** Observes every trigger (used by tests to assert which events fired). */
export type HookObserver = (name: HookName) => void;

/** The hook registry of one TenantApp. */
export class Hooks {
  private readonly handlers = new Map<HookName, Bound[]>();
  private readonly observers = new Set<HookObserver>();
  private seq = 0;
  /** Where failures of async handlers after their e.next() go (the app logs them). */
  onAsyncError: (name: HookName, err: unknown) => void = () => undefined;

  /** Binds a handler; returns a function that unbinds it. */
  on<E>(name: HookName, fn: HookHandler<E>): () => void {
    const id = ++this.seq;
    const list = this.handlers.get(name) ?? [];
    list.push({ id, fn: fn as HookHandler<never> });
    this.handlers.set(name, list);
    return () => {
      const cur = this.handlers.get(name);
      if (cur) this.handlers.set(name, cur.filter((b) => b.id !== id));
    };
  }

  /** Adds an observer of every trigger; returns a function that removes it. */
  observe(fn: HookObserver): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /**
   * Fires `name`: runs bound handlers in order, then `final` when the last one calls next().
   * A handler that does not call next() stops the chain (and `final`), as in PocketBase.
   */
  trigger<E extends object, R = void>(name: HookName, event: E, final?: (e: E) => R): R | undefined {
    for (const o of this.observers) o(name);
    const list = this.handlers.get(name);
    if (!list || list.length === 0) return final ? final(event) : undefined;
    let result: R | undefined;
    const chain = list.slice();
    let index = 0;
    const e = event as HookEvent<E>;
    let ended = false;
    const next = (): void => {
      // A chain that guards an operation (final) is over once trigger() returned: a late next()
      // would run the operation outside its transaction.
      if (ended && final) throw new Error(`e.next() of ${name} was called after the chain had ended`);
      const at = index;
      const h = chain[index++];
      if (h) {
        const returned: unknown = (h.fn as HookHandler<E>)(e);
        if (isThenable(returned)) {
          returned.then(undefined, (err: unknown) => this.onAsyncError(name, err));
          // An async handler may do more after next(), not before: what next() guards runs now,
          // inside the request's transaction.
          if (final && index === at + 1) throw new Error(`a ${name} handler returned a promise before calling e.next(): hooks run synchronously inside the request's transaction (call e.next() first, or do async work in an After...Success hook or a custom route)`);
        }
      } else if (final) {
        result = final(event);
      }
    };
    // Events pass through nested triggers (a record event through OnRecordCreate, OnModelCreate, ...):
    // each sets its own next() and gives the outer one back when it ends.
    const outer = (e as { next?: () => void }).next;
    e.next = next;
    try {
      next();
    } finally {
      ended = true;
      if (outer) e.next = outer;
    }
    return result;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
