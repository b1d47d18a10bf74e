/** Control-DB reads and writes the worker needs beyond @burrow/db's InstanceStore. */
import { Inject, Injectable } from '@nestjs/common';
import type { ControlDb, ControlInstanceId } from '@burrow/db';
import type { OwnerCredentials } from './tenant_admin.js';
import { DB } from './tokens.js';

/** Owner look-ups and the final delete of an instance row. */
@Injectable()
export class ControlRows {
  /** Uses the control database. */
  constructor(@Inject(DB) private readonly db: ControlDb) {}

  /** The owner's current console credentials, or null when the account is gone. */
  async ownerCredentials(ownerId: string): Promise<OwnerCredentials | null> {
    return this.db.user.findUnique({ where: { id: ownerId }, select: { email: true, passwordHash: true } });
  }

  /**
   * Deletes the instance row (its secrets cascade) while it is still `deleting`; true when a
   * row went. A row already gone is a finished deprovision, not an error.
   */
  async deleteIfDeleting(id: ControlInstanceId): Promise<boolean> {
    const r = await this.db.instance.deleteMany({ where: { id, status: 'deleting' } });
    return r.count > 0;
  }
}
