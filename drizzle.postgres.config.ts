import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's migrations, from the same model (src/db/postgres/schema.ts derives its tables). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/postgres/schema.ts',
  out: './migrations/postgres',
});
