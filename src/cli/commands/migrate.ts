/** `senate-questions migrate`: apply pending migrations and say where the schema stands. */
import { migrate } from '../../store/migrate.ts';
import { configFor } from '../config.ts';
import { openDbFor } from '../context.ts';
import type { Io } from '../io.ts';

export async function migrateCommand(io: Io): Promise<void> {
  const config = configFor(io);
  const db = await openDbFor(config);
  try {
    const { applied, current } = await migrate(db);
    const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
    io.stdout.write(
      applied.length > 0
        ? `applied ${applied.length} migration(s) (${applied.join(', ')}) on ${where}; schema version ${current}\n`
        : `${where} is up to date at schema version ${current}\n`,
    );
  } finally {
    await db.close();
  }
}
