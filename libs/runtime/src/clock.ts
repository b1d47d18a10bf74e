/** The time source of the runtime, injectable so tests can move the crash window. */

/** Milliseconds since the epoch, like Date.now(). */
export interface Clock {
  /** The current time in ms. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
