/** The environment a tenant process gets: built from scratch, never inherited from the platform. */
import { RuntimeError } from '../errors.js';

/** The minimum every tenant gets unless the runtime's options replace it. */
export const DEFAULT_BASE_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  NODE_ENV: 'production',
  LANG: 'C.UTF-8',
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names an instance may not set: they belong to the runtime (PATH, HOME) or would change
 * what the tenant's process loads or writes outside its directory: every NODE_* (options,
 * module paths, coverage and warning files, compile cache), OpenSSL's config and engines
 * (OPENSSL_CONF can load a shared object), libuv's, and the dynamic loader's LD_* / DYLD_*;
 * and for replicated instances, whose tenant runs under LiteFS (a Go program, as root), the Go
 * runtime's own settings and HOSTNAME (LiteFS reads it).
 */
export const RESERVED_ENV = /^(PATH|HOME|NODE_.*|OPENSSL_.*|SSL_.*|UV_.*|LD_.*|DYLD_.*|GODEBUG|GOGC|GOMAXPROCS|GOMEMLIMIT|GOTRACEBACK|HOSTNAME)$/;

/** Throws RuntimeError `invalid_spec` unless every entry of `env` is allowed. */
export function validateInstanceEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new RuntimeError('invalid_spec', `invalid environment variable name ${JSON.stringify(name)}`);
    }
    if (RESERVED_ENV.test(name)) {
      throw new RuntimeError('invalid_spec', `environment variable ${name} is reserved by the runtime`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new RuntimeError('invalid_spec', `environment variable ${name} must be a string without NUL`);
    }
  }
}

/** The full environment of a tenant: base + HOME (its instance dir) + its own env. */
export function tenantEnv(
  base: Readonly<Record<string, string>>,
  home: string,
  own: Record<string, string>,
): Record<string, string> {
  validateInstanceEnv(own);
  return { ...base, HOME: home, ...own };
}
