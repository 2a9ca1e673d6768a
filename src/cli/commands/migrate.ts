import type { Command } from 'commander';
import { loadConfig } from '../../../config/index.ts';
import { openDb } from '../../store/db.ts';
import { migrate } from '../../store/migrate.ts';
import { LOCK_WAIT_MS } from '../context.ts';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR)')
    .action(async () => {
      const config = loadConfig();
      const db = await openDb({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        lockWaitMs: LOCK_WAIT_MS,
      });
      try {
        const { applied, current } = await migrate(db);
        const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
        process.stdout.write(
          applied.length > 0
            ? `applied ${applied.length} migration(s) (${applied.join(', ')}) on ${where}; schema version ${current}\n`
            : `${where} is up to date at schema version ${current}\n`,
        );
      } finally {
        await db.close();
      }
    });
}
