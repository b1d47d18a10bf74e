/** `burrow-tenant migrate up|down [N]|create NAME|collections|history`: the migrations of a data directory. */
import { TenantApp } from './core/app.js';
import { blankMigration, snapshotMigration, writeMigration } from './core/migration_files.js';

/** Where the command works. */
export interface MigrateTarget {
  dir: string;
  dbDir?: string;
  migrationsDir?: string;
}

/** Runs one migrate subcommand; throws with a message for bad input or a failing migration. */
export async function migrateCommand(sub: string | undefined, rest: string[], target: MigrateTarget, out: (line: string) => void): Promise<void> {
  const app = TenantApp.open({ dir: target.dir, dbDir: target.dbDir, migrationsDir: target.migrationsDir });
  try {
    const m = app.migrations;
    switch (sub) {
      case 'up': {
        const applied = await m.up();
        out(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((f) => `  ${f}`).join('\n')}` : 'No new migrations to apply.');
        return;
      }
      case 'down': {
        const count = rest[0] === undefined ? 1 : Number(rest[0]);
        if (!Number.isInteger(count) || count < 1) throw new Error(`migrate down takes a count of at least 1, got "${rest[0]}"`);
        const reverted = await m.down(count);
        out(reverted.length ? `Reverted ${reverted.length} migration(s):\n${reverted.map((f) => `  ${f}`).join('\n')}` : 'No migrations to revert.');
        return;
      }
      case 'create': {
        const name = rest[0];
        if (!name) throw new Error('migrate create needs a NAME');
        out(`Created ${m.dir}/${writeMigration(m.dir, name, blankMigration())}`);
        return;
      }
      case 'collections': {
        out(`Created ${m.dir}/${writeMigration(m.dir, 'collections_snapshot', snapshotMigration(app))}`);
        return;
      }
      case 'history': {
        const applied = new Set(m.applied());
        const files = [...new Set([...m.applied(), ...m.files()])];
        out(files.length ? files.map((f) => `${applied.has(f) ? 'applied' : 'pending'}  ${f}`).join('\n') : `No migrations in ${m.dir}.`);
        return;
      }
      default:
        throw new Error('migrate needs one of: up, down [N], create NAME, collections, history');
    }
  } finally {
    app.close();
  }
}
