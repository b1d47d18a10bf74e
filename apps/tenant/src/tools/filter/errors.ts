/** The one error type of the filter library; its message is safe to show to API clients. */

/** A filter or sort string that cannot be parsed or compiled (syntax, unknown field, limits). */
export class FilterError extends Error {
  override readonly name = 'FilterError';

  constructor(message: string) {
    super(message);
  }
}
