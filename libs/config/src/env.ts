/** Reading typed values out of an environment map, collecting every problem at once. */

/** An environment as process.env gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown at startup when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads variables and remembers problems instead of throwing on the first one. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A string, or the default when unset or empty. */
  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? fallback : v.trim();
  }

  /** A string, or undefined when unset or empty. */
  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  /** An integer within [min, max]. */
  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  /** One of the allowed values. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  }

  /** A URL whose scheme is one of `schemes`. */
  url(name: string, schemes: readonly string[]): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw new Error('scheme');
      return raw;
    } catch {
      this.problems.push(`${name}: expected a ${schemes.join(' or ')} URL`);
      return undefined;
    }
  }

  /** Throws ConfigError when any problem was recorded. */
  done(): void {
    if (this.problems.length) throw new ConfigError(this.problems);
  }
}

/** The process environment: read here only, so that no other module touches it. */
export function processEnv(): Env {
  return process.env;
}
