// Forward-only migrations, numbered by position: migration i takes the schema from version i to
// i + 1 (PRAGMA user_version). Never edit one that has shipped; add the next instead, with a test.
import * as m001 from './001-initial';
import * as m002 from './002-jobs';
import * as m003 from './003-ssh-hosts-and-demo';
import * as m004 from './004-run-checklist-and-settings';
import * as m005 from './005-log-repeats-and-run-journal';
import * as m006 from './006-shift-notes';
import * as m007 from './007-alarms';
import * as m008 from './008-run-provenance';
import * as m009 from './009-run-manifests';
import * as m010 from './010-run-data-flow';
import * as m011 from './011-run-plans';
import * as m012 from './012-run-data-from-manifests';

export interface Migration {
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { name: '001-initial', sql: m001.sql },
  { name: '002-jobs', sql: m002.sql },
  { name: '003-ssh-hosts-and-demo', sql: m003.sql },
  { name: '004-run-checklist-and-settings', sql: m004.sql },
  { name: '005-log-repeats-and-run-journal', sql: m005.sql },
  { name: '006-shift-notes', sql: m006.sql },
  { name: '007-alarms', sql: m007.sql },
  { name: '008-run-provenance', sql: m008.sql },
  { name: '009-run-manifests', sql: m009.sql },
  { name: '010-run-data-flow', sql: m010.sql },
  { name: '011-run-plans', sql: m011.sql },
  { name: '012-run-data-from-manifests', sql: m012.sql },
];

export const SCHEMA_VERSION = migrations.length;
