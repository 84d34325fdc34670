/**
 * Which store a location names: a `postgres://` (or `postgresql://`) URL is PostgreSQL, anything
 * else a SQLite file. One test for the config's check, the database port and the key files.
 */
export const POSTGRES_URL = /^postgres(ql)?:\/\//;

export const isPostgresUrl = (location: string): boolean => POSTGRES_URL.test(location);
