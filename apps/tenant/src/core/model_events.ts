/** PocketBase's event sequence around one model change (record or collection). */
import type { TenantApp } from './app.js';
import type { HookName } from './hooks.js';

/** Which model family fires the events. */
export type ModelKind = 'Record' | 'Collection';
/** Which change. */
export type ModelAction = 'Create' | 'Update' | 'Delete';

/** The steps of a change, run inside the events in PocketBase's order. */
export interface ModelChangeSteps<E> {
  /** Before validation (e.g. fill ids, derive view fields). */
  prepare?: (e: E) => void;
  /** Throws ValidationError when the model cannot be saved (create/update only). */
  validate?: (e: E) => void;
  /** After validation, before writing (e.g. hash passwords). */
  finalize?: (e: E) => void;
  /** The write itself. */
  execute: (e: E) => void;
}

// Every name built here is one of HOOK_NAMES (the kinds and actions are closed unions).
function hook(name: string): HookName {
  return name as HookName;
}

/**
 * Runs On<Kind><Action> > OnModel<Action> > [On<Kind>Validate > OnModelValidate] >
 * On<Kind><Action>Execute > OnModel<Action>Execute inside the current transaction, and queues
 * the After...Success / After...Error events for when the outermost transaction ends.
 */
export function runModelChange<E extends object>(app: TenantApp, kind: ModelKind, action: ModelAction, event: E, steps: ModelChangeSteps<E>): void {
  app.hooks.trigger(hook(`On${kind}${action}`), event, (e) => {
    app.hooks.trigger(hook(`OnModel${action}`), e, () => {
      steps.prepare?.(e);
      const validate = steps.validate;
      if (validate) {
        app.hooks.trigger(hook(`On${kind}Validate`), e, () => app.hooks.trigger('OnModelValidate', e, () => validate(e)));
      }
      steps.finalize?.(e);
      app.hooks.trigger(hook(`On${kind}${action}Execute`), e, () =>
        app.hooks.trigger(hook(`OnModel${action}Execute`), e, () => steps.execute(e)),
      );
    });
  });
  app.afterCommit(
    () => {
      app.hooks.trigger(hook(`On${kind}After${action}Success`), event);
      app.hooks.trigger(hook(`OnModelAfter${action}Success`), event);
    },
    () => {
      app.hooks.trigger(hook(`On${kind}After${action}Error`), event);
      app.hooks.trigger(hook(`OnModelAfter${action}Error`), event);
    },
  );
}
