/** The one error type that reaches the wire, in PocketBase's body shape. */

/** A field-level validation error as PocketBase reports it under `data`. */
export interface FieldError {
  code: string;
  message: string;
  params?: Record<string, unknown>;
}

/** Nested map of field errors (e.g. `{fields: {"0": {name: {...}}}}`). */
export interface ErrorData {
  [key: string]: FieldError | ErrorData;
}

/** PocketBase's default messages per status. */
export const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Something went wrong while processing your request.',
  401: 'Missing or invalid authentication.',
  403: 'You are not allowed to perform this request.',
  404: "The requested resource wasn't found.",
  413: 'Request entity too large.',
  429: 'Too Many Requests.',
  500: 'Something went wrong while processing your request.',
};

/** An error answered to the client as `{status, message, data}`; `cause` is logged, never sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly data: ErrorData;

  constructor(status: number, message?: string, data: ErrorData = {}, cause?: unknown) {
    super(normalizeMessage(message || DEFAULT_MESSAGES[status] || DEFAULT_MESSAGES[400]), { cause });
    this.status = status;
    this.data = data;
  }

  /** The JSON body sent to the client. */
  toJSON(): { status: number; message: string; data: ErrorData } {
    return { status: this.status, message: this.message, data: this.data };
  }
}

// PocketBase capitalises the first letter and ends messages with a period.
function normalizeMessage(msg: string): string {
  let m = msg.trim();
  if (!m) return m;
  m = m[0].toUpperCase() + m.slice(1);
  if (!/[.!?]$/.test(m)) m += '.';
  return m;
}

/** 400 with optional field errors. */
export function badRequest(message?: string, data?: ErrorData, cause?: unknown): ApiError {
  return new ApiError(400, message, data, cause);
}

/** 401. */
export function unauthorized(message?: string): ApiError {
  return new ApiError(401, message);
}

/** 403. */
export function forbidden(message?: string): ApiError {
  return new ApiError(403, message);
}

/** 404. */
export function notFound(message?: string): ApiError {
  return new ApiError(404, message);
}

/** 413. */
export function tooLarge(message?: string): ApiError {
  return new ApiError(413, message);
}

/** A single field error value. */
export function fieldError(code: string, message: string, params?: Record<string, unknown>): FieldError {
  return params ? { code, message, params } : { code, message };
}

/** Thrown by validation layers; the API turns it into a 400 with `data` = errors. */
export class ValidationError extends ApiError {
  constructor(data: ErrorData, message = 'Failed to validate the submitted data.') {
    super(400, message, data);
  }
}
