/** Value methods shared by the handlers whose value is one string in a TEXT column. */

/**
 * Column, zero value, casting (through `cast`, used for both stored and submitted values),
 * no modifiers, and the string itself as stored and JSON value.
 */
export function textValueMethods(cast: (raw: unknown) => string) {
  return {
    columnDefinition: () => "TEXT DEFAULT '' NOT NULL",
    zeroValue: () => '',
    fromDb: (_field: unknown, raw: unknown) => cast(raw),
    prepare: (_field: unknown, input: unknown) => cast(input),
    modify: () => undefined,
    toDb: (_field: unknown, value: string) => value,
    toJSON: (_field: unknown, value: string) => value,
  };
}
