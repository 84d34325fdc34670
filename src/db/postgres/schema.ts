/**
 * The PostgreSQL tables, derived from the one model of the tables (src/db/schema.ts), column for
 * column: text stays text; SQLite's integers become bigint (booleans integer 0/1, as SQLite keeps
 * them), so the service's one set of statements reads and writes both alike and `jiebang copy`
 * moves rows as they are. Keys, unique and partial indexes and foreign keys follow the model.
 * drizzle-kit generates migrations/postgres/ from this file (drizzle.postgres.config.ts).
 *
 * A table added to the model is listed in `modelTables` below and exported by name; then
 * `npm run db:generate` writes both dialects' migrations.
 */
import { getTableColumns, type SQL } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  foreignKey,
  index,
  integer,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as model from '../schema.js';

/** Every table of the model, in the order their foreign keys allow. */
export const modelTables = {
  programmes: model.programmes,
  units: model.units,
  persons: model.persons,
  challenges: model.challenges,
  challengeListItems: model.challengeListItems,
  events: model.events,
  checkpoints: model.checkpoints,
  hashSwitches: model.hashSwitches,
  signingKeys: model.signingKeys,
  checkpointSignatures: model.checkpointSignatures,
  idempotencyKeys: model.idempotencyKeys,
  timers: model.timers,
  tokens: model.tokens,
  records: model.records,
  denials: model.denials,
  participations: model.participations,
  attachments: model.attachments,
  webhooks: model.webhooks,
  outbox: model.outbox,
  deliveryAttempts: model.deliveryAttempts,
  mailRecipients: model.mailRecipients,
  reminders: model.reminders,
  publicChallenges: model.publicChallenges,
  accounts: model.accounts,
  registrations: model.registrations,
  sessions: model.sessions,
  accountLog: model.accountLog,
  personalData: model.personalData,
  personalDataSteps: model.personalDataSteps,
} satisfies Record<string, SQLiteTable>;

const built = new Map<string, ReturnType<typeof pgTable>>();

function columnOf(column: SQLiteColumn): PgColumnBuilderBase {
  const autoIncrement = (column as unknown as { autoIncrement?: boolean }).autoIncrement === true;
  let builder: ReturnType<typeof text> | ReturnType<typeof bigint> | ReturnType<typeof integer>;
  if (autoIncrement) return bigserial(column.name, { mode: 'number' }).primaryKey();
  switch (column.columnType) {
    case 'SQLiteText':
    case 'SQLiteTextJson':
      builder = text(column.name);
      break;
    case 'SQLiteBoolean':
      builder = integer(column.name);
      break;
    case 'SQLiteInteger':
      builder = bigint(column.name, { mode: 'number' });
      break;
    default:
      throw new Error(
        `${column.name}: no PostgreSQL column for ${column.columnType}; add it to src/db/postgres/schema.ts`,
      );
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull) builder = builder.notNull();
  // A boolean default is kept as SQLite keeps it: 0 or 1.
  const fallback = typeof column.default === 'boolean' ? Number(column.default) : column.default;
  if (column.hasDefault && column.default !== undefined) builder = builder.default(fallback as never);
  if (column.isUnique) builder = builder.unique(column.uniqueName);
  return builder;
}

function tableOf(source: SQLiteTable): ReturnType<typeof pgTable> {
  const config = getTableConfig(source);
  const columns = Object.fromEntries(
    Object.entries(getTableColumns(source)).map(([key, column]) => [key, columnOf(column as SQLiteColumn)]),
  );
  const keyOf = new Map(Object.entries(getTableColumns(source)).map(([key, column]) => [column.name, key]));
  const table = pgTable(config.name, columns, (t) => {
    const col = (c: { name: string }) => t[keyOf.get(c.name) as string] as never;
    const extra: PgTableExtraConfigValue[] = [];
    for (const pk of config.primaryKeys) extra.push(primaryKey({ columns: pk.columns.map(col) as [never] }));
    for (const ix of config.indexes) {
      const on = (ix.config.unique ? uniqueIndex : index)(ix.config.name).on(
        ...(ix.config.columns.map((c) => col(c as { name: string })) as [never]),
      );
      extra.push(ix.config.where ? on.where(ix.config.where as SQL) : on);
    }
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      const target = built.get(getTableConfig(ref.foreignTable).name);
      if (!target) throw new Error(`${config.name}: ${getTableConfig(ref.foreignTable).name} must come first`);
      const targetKeys = new Map(Object.entries(getTableColumns(target)).map(([k, c]) => [c.name, k]));
      extra.push(
        foreignKey({
          name: fk.getName(),
          columns: ref.columns.map(col) as [never],
          foreignColumns: ref.foreignColumns.map(
            (c) => (target as unknown as Record<string, never>)[targetKeys.get(c.name) as string],
          ) as [never],
        }),
      );
    }
    return extra;
  });
  built.set(config.name, table);
  return table;
}

const tables = Object.fromEntries(Object.entries(modelTables).map(([key, source]) => [key, tableOf(source)])) as {
  [K in keyof typeof modelTables]: ReturnType<typeof pgTable>;
};

export const {
  programmes,
  units,
  persons,
  challenges,
  challengeListItems,
  events,
  checkpoints,
  hashSwitches,
  signingKeys,
  checkpointSignatures,
  idempotencyKeys,
  timers,
  tokens,
  records,
  denials,
  participations,
  attachments,
  webhooks,
  outbox,
  deliveryAttempts,
  mailRecipients,
  reminders,
  publicChallenges,
  accounts,
  registrations,
  sessions,
  accountLog,
  personalData,
  personalDataSteps,
} = tables;
