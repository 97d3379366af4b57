// The schema's constraints carry the domain rules: rows that break them are refused by SQLite
// itself, whatever code writes them.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/db/store';
import { tempStore } from '../support/store';

let store: Store;

function insert(sql: string, ...params: unknown[]): number {
  return Number(store.db.prepare(sql).run(...params).lastInsertRowid);
}

const experiment = (name: string, active = 0) =>
  insert("INSERT INTO experiment (name, is_active, created_at) VALUES (?, ?, '2025-01-01T00:00:00.000Z')", name, active);
const eccServer = (experimentId: number, name: string) =>
  insert(
    `INSERT INTO ecc_server (experiment_id, name, address, port, log_path, config_root, config_backup_root, soap_namespace)
     VALUES (?, ?, '10.0.0.1', 8083, '/log/ecc.log', '/config', '/backup', 'urn:ecc')`,
    experimentId,
    name,
  );
const dataRouter = (experimentId: number, name: string) =>
  insert(
    `INSERT INTO data_router (experiment_id, name, address, port, connection_type, log_path)
     VALUES (?, ?, '10.0.0.2', 46005, 'TCP', '/log/router.log')`,
    experimentId,
    name,
  );
const dataSource = (experimentId: number, name: string, eccServerId: number, dataRouterId: number) =>
  insert(
    'INSERT INTO data_source (experiment_id, name, ecc_server_id, data_router_id) VALUES (?, ?, ?, ?)',
    experimentId,
    name,
    eccServerId,
    dataRouterId,
  );
const observable = (experimentId: number, name: string) =>
  insert(
    "INSERT INTO observable (experiment_id, name, value_type, display_order) VALUES (?, ?, 'float', 0)",
    experimentId,
    name,
  );
const run = (experimentId: number, number: number, stopTime: string | null = '2025-01-01T01:00:00.000Z') =>
  insert(
    "INSERT INTO run (experiment_id, number, start_time, stop_time) VALUES (?, ?, '2025-01-01T00:00:00.000Z', ?)",
    experimentId,
    number,
    stopTime,
  );

function count(table: string): number {
  return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Expects `insertRow` to be refused by a constraint and the table to keep its row count. */
function expectRefused(table: string, insertRow: () => unknown): void {
  const before = count(table);
  expect(insertRow).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) }) as Error);
  expect(count(table)).toBe(before);
}

let e1: number;
let e2: number;

beforeEach(() => {
  store = tempStore();
  e1 = experiment('e1', 1);
  e2 = experiment('e2');
});

describe('the schema', () => {
  it('refuses a second ECC server of the same name in one experiment, but allows it in another', () => {
    eccServer(e1, 'ECC0');
    expectRefused('ecc_server', () => eccServer(e1, 'ECC0'));
    expect(() => eccServer(e2, 'ECC0')).not.toThrow();
  });

  it('refuses a second data router of the same name in one experiment, but allows it in another', () => {
    dataRouter(e1, 'DataRouter0');
    expectRefused('data_router', () => dataRouter(e1, 'DataRouter0'));
    expect(() => dataRouter(e2, 'DataRouter0')).not.toThrow();
  });

  it('refuses a second data source of the same name in one experiment, but allows it in another', () => {
    dataSource(e1, 'CoBo[0]', eccServer(e1, 'ECC0'), dataRouter(e1, 'DataRouter0'));
    expectRefused('data_source', () => dataSource(e1, 'CoBo[0]', eccServer(e1, 'ECC1'), dataRouter(e1, 'DataRouter1')));
    expect(() => dataSource(e2, 'CoBo[0]', eccServer(e2, 'ECC0'), dataRouter(e2, 'DataRouter0'))).not.toThrow();
  });

  it('refuses a second observable of the same name in one experiment, but allows it in another', () => {
    observable(e1, 'Beam energy');
    expectRefused('observable', () => observable(e1, 'Beam energy'));
    expect(() => observable(e2, 'Beam energy')).not.toThrow();
  });

  it('refuses a data router serving two data sources', () => {
    const ecc = eccServer(e1, 'ECC0');
    const router = dataRouter(e1, 'DataRouter0');
    dataSource(e1, 'CoBo[0]', ecc, router);
    expectRefused('data_source', () => dataSource(e1, 'CoBo[1]', ecc, router));
  });

  it('refuses a data source linking an ECC server or a data router of another experiment', () => {
    const otherEcc = eccServer(e2, 'ECC0');
    const otherRouter = dataRouter(e2, 'DataRouter0');
    expectRefused('data_source', () => dataSource(e1, 'CoBo[0]', otherEcc, dataRouter(e1, 'DataRouter0')));
    expectRefused('data_source', () => dataSource(e1, 'CoBo[0]', eccServer(e1, 'ECC0'), otherRouter));
  });

  it('refuses a second active experiment', () => {
    expectRefused('experiment', () => experiment('e3', 1));
    const before = store.db.prepare('SELECT id FROM experiment WHERE is_active = 1').pluck().all();
    expect(() => store.db.prepare('UPDATE experiment SET is_active = 1 WHERE id = ?').run(e2)).toThrow();
    expect(store.db.prepare('SELECT id FROM experiment WHERE is_active = 1').pluck().all()).toEqual(before);
  });

  it('refuses a second current run in one experiment, but allows one in another', () => {
    run(e1, 0, null);
    expectRefused('run', () => run(e1, 1, null));
    expect(() => run(e2, 0, null)).not.toThrow();
  });

  it('refuses a run number used twice in one experiment, but allows it in another', () => {
    run(e1, 0);
    expectRefused('run', () => run(e1, 0));
    expect(() => run(e2, 0)).not.toThrow();
  });

  it('stores measurements as integers, reals or text and refuses any other type', () => {
    const runId = run(e1, 0);
    const observableId = observable(e1, 'Beam energy');
    const otherId = observable(e1, 'Target');
    const measure = (id: number, value: unknown) =>
      insert('INSERT INTO measurement (run_id, observable_id, value) VALUES (?, ?, ?)', runId, id, value);
    expectRefused('measurement', () => measure(observableId, Buffer.from([1, 2, 3])));
    expectRefused('measurement', () => measure(observableId, null));
    measure(observableId, 12.5);
    measure(otherId, 'He-4');
    expect(store.db.prepare('SELECT typeof(value) FROM measurement ORDER BY observable_id').pluck().all()).toEqual(['real', 'text']);
  });

  it('refuses a measurement of a run or observable that does not exist', () => {
    const runId = run(e1, 0);
    const observableId = observable(e1, 'Beam energy');
    expectRefused('measurement', () =>
      insert('INSERT INTO measurement (run_id, observable_id, value) VALUES (?, ?, 1)', runId + 100, observableId),
    );
    expectRefused('measurement', () =>
      insert('INSERT INTO measurement (run_id, observable_id, value) VALUES (?, ?, 1)', runId, observableId + 100),
    );
  });
});
