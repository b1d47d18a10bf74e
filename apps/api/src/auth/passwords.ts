/** Password hashing: bcrypt (the same hashes are synced into tenants' `_superusers`). */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Cost 10, PocketBase's, so a synced hash verifies as fast in the tenant as its own. */
const COST = 10;

/** A bcrypt hash of the password. */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** True when the password matches the hash. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A hash to compare against when the account does not exist, so timing does not reveal it. */
export const DUMMY_HASH = bcrypt.hashSync(randomBytes(12).toString('hex'), COST);
