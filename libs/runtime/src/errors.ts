/** The one error type of the runtime, with a stable code per failure kind. */

/** Why a runtime operation failed. */
export type RuntimeErrorCode =
  | 'invalid_id'
  | 'invalid_spec'
  | 'start_failed'
  | 'health_timeout'
  | 'aborted'
  | 'stop_failed'
  | 'not_found'
  | 'invalid_state'
  | 'backup_failed'
  | 'command_failed'
  | 'closed';

/** An error of a runtime operation; `code` is stable, `message` is for humans and logs. */
export class RuntimeError extends Error {
  /** What kind of failure this is. */
  readonly code: RuntimeErrorCode;

  /** Builds an error with its code. */
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
  }
}
