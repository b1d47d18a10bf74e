/** The one error type of the control API's wire format: `{status, message, data}`. */

/** A field-level problem: a stable code the console can switch on, and a readable message. */
export interface FieldProblem {
  code: string;
  message: string;
}

/** Stable codes of errors that are not about one field. */
export enum ApiErrorCode {
  BadRequest = 'bad_request',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  TooManyRequests = 'too_many_requests',
  QuotaExceeded = 'quota_exceeded',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

/** An error answered to the client as is; anything else becomes a generic 500. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly data: Record<string, FieldProblem> = {},
    readonly code: ApiErrorCode = ApiErrorCode.BadRequest,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 400 with field problems. */
  static badRequest(message: string, data: Record<string, FieldProblem> = {}): ApiError {
    return new ApiError(400, message, data, ApiErrorCode.BadRequest);
  }

  /** 401: no valid session. */
  static unauthorized(message = 'Missing or invalid authentication.'): ApiError {
    return new ApiError(401, message, {}, ApiErrorCode.Unauthorized);
  }

  /** 403. */
  static forbidden(message: string, code = ApiErrorCode.Forbidden): ApiError {
    return new ApiError(403, message, {}, code);
  }

  /** 404; also what a user gets for someone else's instance. */
  static notFound(message = 'The requested resource was not found.'): ApiError {
    return new ApiError(404, message, {}, ApiErrorCode.NotFound);
  }

  /** 409. */
  static conflict(message: string): ApiError {
    return new ApiError(409, message, {}, ApiErrorCode.Conflict);
  }

  /** 429 with Retry-After. */
  static tooManyRequests(message: string, retryAfterSec: number): ApiError {
    return new ApiError(429, message, {}, ApiErrorCode.TooManyRequests, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSec))) });
  }

  /** 503 with Retry-After. */
  static unavailable(message: string, retryAfterSec = 5): ApiError {
    return new ApiError(503, message, {}, ApiErrorCode.Unavailable, { 'retry-after': String(retryAfterSec) });
  }
}
