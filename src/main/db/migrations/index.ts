// Forward-only migrations, numbered by position: migration i takes the schema from version i to
// i + 1 (PRAGMA user_version). Never edit one that has shipped; add the next instead, with a test.
import * as m001 from './001-initial';

export interface Migration {
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [{ name: '001-initial', sql: m001.sql }];

export const SCHEMA_VERSION = migrations.length;
