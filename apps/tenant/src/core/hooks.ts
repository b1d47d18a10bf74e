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
    const next = (): void => {
      const h = chain[index++];
      if (h) {
        (h.fn as HookHandler<E>)(e);
      } else if (final) {
        result = final(event);
      }
    };
    e.next = next;
    next();
    return result;
  }
}
