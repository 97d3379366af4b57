// The run sheet exported as CSV (RFC 4180).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/main/runsheet/csv';
import { recordRunConfig } from '../../src/main/runsheet/provenance';
import { createRun, recordRunDataFlow, stopRun } from '../../src/main/runsheet/queries';
import { rejection, sheetApi } from './fixtures';

describe('CSV fields', () => {
  it('are left as they are when they hold nothing special', () => {
    expect(csvField('Beam on target')).toBe('Beam on target');
    expect(csvField('')).toBe('');
    expect(csvField("it's fine; really")).toBe("it's fine; really");
  });

  it('are quoted when they hold a comma, a double quote, CR or LF, with quotes doubled', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('the "good" run')).toBe('"the ""good"" run"');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
  });

  it('make records ended by CRLF', () => {
    expect(toCsv([['a', 'b'], ['c,d', '']])).toBe('a,b\r\n"c,d",\r\n');
  });
});

describe('runSheet.exportCsv', () => {
  it('writes a header, then one row per run by number, named after the experiment', async () => {
    const api = await sheetApi();
    const energy = await api.observable({ name: 'Beam energy', valueType: 'float', units: 'MeV/u' });
    const events = await api.observable({ name: 'Events', valueType: 'integer' });
    const first = createRun(api.store, { experimentId: api.experiment.id, configName: 'cobo,mutant', startTime: '2025-03-01T12:00:00.000Z' });
    stopRun(api.store, first.id, '2025-03-01T13:00:00.000Z');
    createRun(api.store, { experimentId: api.experiment.id, configName: 'cobo', startTime: '2025-03-01T14:00:00.000Z' });
    await api.call('runs.update', { id: first.id, title: 'First beam', runClass: 'Beam', measurements: { [energy.id]: 10.5, [events.id]: 1200 } });

    // Run 0's config files as Start all recorded them; run 1 has none recorded: no hash.
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const files = [
      { name: 'describe-cobo.xcfg', sha256: sha('d'), bytes: 1, problem: '' },
      { name: 'prepare-cobo.xcfg', sha256: sha('p'), bytes: 1, problem: '' },
      { name: 'configure-cobo.xcfg', sha256: sha('c'), bytes: 1, problem: '' },
    ];
    const server = await api.call('eccServers.add', { name: 'ECC0', address: 'host', logPath: '/l/ecc.log', configRoot: '/c', configBackupRoot: '/b' });
    api.store.write(['run_config'], () =>
      recordRunConfig(api.store, first.id, [
        { eccServerId: server.id, eccServer: 'ECC0', address: 'host', configRoot: '/c', configSet: { describe: 'cobo', prepare: 'cobo', configure: 'cobo' }, configId: '<ConfigId/>', dataLinkTable: '<DataLinkSet/>', files },
      ]),
    );
    // The short hash: SHA-256 of the sorted lines "<server>\t<file>\t<sha256>", its first 12 hex digits.
    const lines = files.map((f) => `ECC0\t${f.name}\t${f.sha256}`).sort();
    const hash = sha(lines.join('\n')).slice(0, 12);

    const { fileName, csv } = await api.call('runSheet.exportCsv', {});
    expect(fileName).toBe('e20009-run-sheet.csv');
    expect(csv).toBe(
      'Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Beam energy (MeV/u),Events,Notes\r\n' +
        `0,Beam,First beam,2025-03-01T12:00:00.000Z,2025-03-01T13:00:00.000Z,"cobo,mutant",${hash},,,,10.5,1200,\r\n` +
        '1,Testing,,2025-03-01T14:00:00.000Z,,cobo,,,,,,,\r\n',
    );
  });

  it("gives each stopped run its data routers' bytes, files and mean rate, as stored at its Stop", async () => {
    const api = await sheetApi();
    const run = createRun(api.store, { experimentId: api.experiment.id, configName: 'cobo', startTime: '2025-03-01T12:00:00.000Z' });
    stopRun(api.store, run.id, '2025-03-01T12:01:40.000Z');
    api.store.write(['run', 'run_data_flow'], () =>
      recordRunDataFlow(api.store, run.id, [
        { dataRouterId: null, name: 'DataRouter0', files: 3, bytes: 150_000_000, readAt: '2025-03-01T12:01:39.000Z', current: true, countedFrom: 'start' },
        { dataRouterId: null, name: 'DataRouter1', files: 2, bytes: 50_000_000, readAt: '2025-03-01T12:01:39.000Z', current: true, countedFrom: 'start' },
      ]),
    );
    const [header, row] = (await api.call('runSheet.exportCsv', {})).csv.split('\r\n');
    expect(header).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Notes');
    // 200 MB over the 100 s from start to stop.
    expect(row).toBe('0,Testing,,2025-03-01T12:00:00.000Z,2025-03-01T12:01:40.000Z,cobo,,200000000,5,2.000,');
  });

  it('quotes titles and values holding commas, quotes and line breaks', async () => {
    const api = await sheetApi();
    const note = await api.observable({ name: 'Note, short', valueType: 'string', units: '"free"' });
    const run = api.run();
    await api.call('runs.update', {
      id: run.id,
      title: 'Beam "tune", take 2',
      measurements: { [note.id]: 'line one\nline two' },
    });
    const { csv } = await api.call('runSheet.exportCsv', {});
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),"Note, short (""free"")",Notes');
    expect(row).toContain(',"Beam ""tune"", take 2",');
    expect(csv.endsWith(',"line one\nline two",\r\n')).toBe(true);
  });

  it('keeps text that a spreadsheet would run as a formula from running, and numbers as they are', async () => {
    const api = await sheetApi();
    const note = await api.observable({ name: 'Note', valueType: 'string' });
    const offset = await api.observable({ name: 'Offset', valueType: 'float' });
    const run = api.run();
    await api.call('runs.update', {
      id: run.id,
      title: '=HYPERLINK("http://example.invalid","click")',
      measurements: { [note.id]: '@SUM(1+1)', [offset.id]: -2.5 },
    });
    const [, row] = (await api.call('runSheet.exportCsv', {})).csv.split('\r\n');
    expect(row).toContain(`,"'=HYPERLINK(""http://example.invalid"",""click"")",`);
    expect(row!.endsWith(",'@SUM(1+1),-2.5,")).toBe(true);
  });

  it('orders the observable columns by the display order, after a reorder too', async () => {
    const api = await sheetApi();
    const a = await api.observable({ name: 'A', valueType: 'integer' });
    const b = await api.observable({ name: 'B', valueType: 'integer' });
    const c = await api.observable({ name: 'C', valueType: 'integer' });
    const run = api.run();
    await api.call('runs.update', { id: run.id, measurements: { [a.id]: 1, [b.id]: 2, [c.id]: 3 } });
    await api.call('observables.reorder', { order: [c.id, a.id, b.id] });
    const lines = (await api.call('runSheet.exportCsv', {})).csv.split('\r\n');
    expect(lines[0]!.endsWith(',Config,Config hash,Size (bytes),Files,Mean rate (MB/s),C,A,B,Notes')).toBe(true);
    expect(lines[1]!.endsWith(',,,,,3,1,2,')).toBe(true);
  });

  it('exports the experiment named, and only its runs', async () => {
    const api = await sheetApi();
    const other = await api.call('experiments.create', { name: 'e21001', activate: false });
    api.run();
    const { fileName, csv } = await api.call('runSheet.exportCsv', { experimentId: other.id });
    expect(fileName).toBe('e21001-run-sheet.csv');
    expect(csv).toBe('Run,Class,Title,Start,Stop,Config,Config hash,Size (bytes),Files,Mean rate (MB/s),Notes\r\n');
  });

  it('is refused when there is no experiment', async () => {
    const api = await sheetApi();
    expect(await rejection(api.call('runSheet.exportCsv', { experimentId: 999 }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
