// Run provenance (issue 13) in the running application, over a real OpenSSH server on 127.0.0.1,
// simulated ECC servers and a real `dataRouter` process: Start all records each ECC server's set,
// the exact configID and table strings it was sent and its config files' SHA-256 (equal to what
// `sha256sum` says of them); a file changed during the run is reported at the backup after Stop
// (the log, the run sheet, the export); the next run is marked "config changed"; and a config
// file that cannot be read stops Start all with a clear checklist item that cannot be overridden.
import { spawnSync } from 'node:child_process';
import { appendFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/main/app/application';
import { nowIso } from '../../src/main/time';
import { tempDir } from '../support/store';
import { dataDirTrusting, freePort, sshHomeFor, sshdAvailable, sshdUnavailableReason, startSshd, type TestSshd } from '../support/sshd';
import { fakePrograms, type FakePrograms } from '../worker-node/programs';
import { call, giveConfigFiles, openApp, refusal, rig, stepRequests, waitFor, waitForReport, type AppOptions, type Rig } from './support';

// Waits for states the application reports; each SSH command costs up to ~1 s on a loaded machine.
const WAIT_MS = 45_000;

async function operation(app: Application, name: 'runs.startAll' | 'runs.stopAll' | 'ecc.bringAllToReady') {
  const since = nowIso();
  await call(app, name, {});
  return waitForReport(app, since, WAIT_MS);
}

/** `sha256sum` itself, run in the folder: `name → hash`. */
function sha256sum(folder: string, names: readonly string[]): Record<string, string> {
  const run = spawnSync('sha256sum', ['--', ...names], { cwd: folder, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sha256sum failed: ${run.stderr}`);
  return Object.fromEntries(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [hash, name] = line.split(/ [ *]/);
        return [name ?? '', hash ?? ''];
      }),
  );
}

describe.skipIf(!sshdAvailable())(`run provenance over SSH ${sshdUnavailableReason() ?? ''}`, () => {
  let sshd: TestSshd;
  let programs: FakePrograms;

  beforeAll(async () => {
    sshd = await startSshd();
    programs = fakePrograms();
  });
  afterAll(async () => {
    programs?.close();
    await sshd?.close();
  });

  function sshOptions(checkIntervalMs: number): AppOptions {
    return {
      ssh: {
        connect: { sshConfig: { home: sshHomeFor(sshd), env: {} } },
        gateway: { checkLimits: { softMs: 5_000, hardMs: 15_000 }, fileLimits: { softMs: 5_000, hardMs: 15_000 } },
        jobs: { maxAttempts: 3, backoffMs: () => 1_000, settleMs: 300, settlePollMs: 100 },
        schedule: { checkIntervalMs, jobIntervalMs: 200 },
      },
    };
  }

  /**
   * One CoBo whose ECC server's config_root is a real folder on the test sshd's computer, holding
   * the three files of its selected set, and whose data router runs.
   */
  async function provenanceRig(checkIntervalMs: number) {
    const r: Rig = await rig({ cobos: 1, app: openApp(dataDirTrusting(sshd, 'daq-prov-'), sshOptions(checkIntervalMs)) });
    const board = r.cobos[0]!;
    const { configRoot, backupRoot, names } = await giveConfigFiles(r.app, board.eccServerId);
    const staging = realpathSync(tempDir('daq-staging-'));
    const port = await freePort();
    await programs.start('dataRouter', { cwd: staging, port });
    await call(r.app, 'dataRouters.update', { id: board.dataRouterId, port });
    // A check round asked for while one runs is skipped: without the timer, one more sees the setup as it is now.
    if (checkIntervalMs > WAIT_MS) {
      await r.app.sshScheduler.idle();
      await r.app.sshScheduler.checkRound();
    }
    const key = `config-files:${board.eccServerId}`;
    const item = (status: string) =>
      waitFor(r.app, 'runs.status', {}, (s) => s.checklist.find((i) => i.key === key)?.status === status, WAIT_MS).then((s) => s.checklist.find((i) => i.key === key)!);
    return { ...r, board, configRoot, backupRoot, names, key, item, staging };
  }

  it('records the hashes sha256sum gives at the start, reports a file changed during the run at the backup, and marks the next run "config changed"', async () => {
    const r = await provenanceRig(200);
    const [describeFile] = r.names as [string, string, string];
    // The check round has read the files: the item passes before anyone presses Start all.
    expect(await r.item('pass')).toMatchObject({ overridable: false, reason: expect.stringMatching(/ECC0: 3 config files read at/) });
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    const atStart = sha256sum(r.configRoot, r.names);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });

    const sheet = await call(r.app, 'runSheet.get', {});
    const run0 = sheet!.runs[0]!;
    const { record, fileName } = await call(r.app, 'runs.export', { id: run0.id });
    expect(fileName).toBe('e20009-run_0000.json');
    expect(record.provenance).toHaveLength(1);
    const server = record.provenance[0]!;
    expect(server).toMatchObject({ eccServer: 'ECC0', eccServerId: r.board.eccServerId, address: '127.0.0.1', configRoot: r.configRoot });
    // The strings kept are those the server received with its Start.
    const start = stepRequests(r.board.sim).filter((q) => q.operation === 'Start').at(-1)!;
    expect(server.configId).toBe(start.configID);
    expect(server.dataLinkTable).toBe(start.table);
    expect(server.configId).toContain(`<SubConfigId type="describe">${server.configSet.describe}</SubConfigId>`);
    expect(Object.fromEntries(server.files.map((f) => [f.name, f.startSha256]))).toEqual(atStart);
    expect(server.files.every((f) => f.startProblem === '' && f.backupSha256 === null)).toBe(true);
    expect(record.run.config).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{12}$/), changed: null, warnings: [] });
    expect(record.startChecklist.find((i) => i.key === r.key)).toMatchObject({ status: 'pass' });
    // The run's own values and jobs are there too: none yet.
    expect(record).toMatchObject({ format: 'attpc-daq-run-export/2', experiment: { name: 'e20009' }, values: [], jobs: [], notes: [], dataFlow: null });
    expect(record.manifests).toEqual({ folders: [], unfinished: [] });

    // The router writes a file; a shift note is written about the run.
    writeFileSync(join(r.staging, 'run_0000-CoBo0.graw'), 'graw bytes of run 0\n');
    const note = await call(r.app, 'notes.add', { text: 'Beam back at 14:02', runNumber: 0 });
    // The describe file is edited during the run.
    appendFileSync(join(r.configRoot, describeFile), '<!-- threshold changed by hand -->\n');
    const changed = sha256sum(r.configRoot, [describeFile])[describeFile];
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    const warning = `${describeFile} of ECC0 changed during run 0`;
    // Organize, backup, and the manifest that follows the organize job.
    const jobs = await waitFor(r.app, 'jobs.list', {}, (list) => list.length === 3 && list.every((j) => j.status === 'done'), WAIT_MS);
    expect(jobs.find((j) => j.kind === 'backup_configs')?.lastError).toBe('');
    const logged = r.app.store.db.prepare("SELECT level, subject, message, details FROM log_entry WHERE message = ?").all(warning) as { level: string; details: string }[];
    expect(logged).toEqual([{ level: 'warning', subject: 'ECC0', message: warning, details: expect.stringContaining(`${atStart[describeFile]}, at the backup after Stop ${changed}`) }]);
    const after = await call(r.app, 'runs.export', { id: run0.id });
    expect(after.record.run.config.warnings).toEqual([warning]);
    expect((await call(r.app, 'runSheet.get', {}))!.runs[0]!.config.warnings).toEqual([warning]);
    const backups = sha256sum(join(r.backupRoot, 'e20009', 'run_0000'), r.names);
    for (const file of after.record.provenance[0]!.files) {
      expect(file.backupSha256).toBe(backups[file.name]);
      expect(file.changedDuringRun).toBe(file.name === describeFile);
    }
    expect(after.record.jobs.map((j) => j.kind).sort()).toEqual(['backup_configs', 'checksum_files', 'organize_files']);
    // Its note, and the manifest of the file it wrote: the hash sha256sum gives in the run folder.
    expect(after.record.notes).toEqual([note]);
    const runFolder = join(r.staging, 'e20009', 'run_0000');
    expect(after.record.manifests.unfinished).toEqual([]);
    expect(after.record.manifests.folders).toEqual([
      expect.objectContaining({
        folder: runFolder,
        manifestFile: 'MANIFEST.sha256',
        checksums: true,
        files: [{ name: 'run_0000-CoBo0.graw', size: 20, sha256: sha256sum(runFolder, ['run_0000-CoBo0.graw'])['run_0000-CoBo0.graw'] }],
        verification: null,
      }),
    ]);

    // Run 1 starts with the edited file: its hashes differ from run 0's.
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    const runs = (await call(r.app, 'runSheet.get', {}))!.runs;
    expect(runs[1]!.config).toMatchObject({ changed: true, warnings: [] });
    expect(runs[1]!.config.hash).not.toBe(runs[0]!.config.hash);
    // The CSV's config hash column is the same short hash.
    const csv = (await call(r.app, 'runSheet.exportCsv', {})).csv.split('\r\n');
    expect(csv[0]).toMatch(/^Run,Class,Title,Start,Stop,Config,Config hash,Size \(bytes\),Files,Mean rate \(MB\/s\),Notes$/);
    expect(csv[1]!.split(',')[6]).toBe(runs[0]!.config.hash);
    expect(csv[2]!.split(',')[6]).toBe(runs[1]!.config.hash);
  }, 120_000);

  it('stops Start all before anything is sent when a config file cannot be read, with an item no override lets through', async () => {
    // The check round runs only when the setup changes: the file goes after the round read it.
    const r = await provenanceRig(600_000);
    await r.item('pass');
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    const prepareFile = r.names[1]!;
    rmSync(join(r.configRoot, prepareFile));
    const sent = stepRequests(r.board.sim).length;

    // The read just before the start finds it gone: nothing is sent, no run is recorded.
    const report = await operation(r.app, 'runs.startAll');
    expect(report).toMatchObject({ ok: false });
    expect(report.message).toContain(`Start all stopped before any server was started, by its checklist: ${prepareFile} of ECC0 cannot be read (${r.configRoot}/${prepareFile} does not exist)`);
    expect(stepRequests(r.board.sim)).toHaveLength(sent);
    expect((await call(r.app, 'runSheet.get', {}))!.runs).toEqual([]);
    const item = await r.item('fail');
    expect(item).toMatchObject({ overridable: false, reason: expect.stringContaining(`${prepareFile} of ECC0 cannot be read`) });
    expect((await refusal(r.app, 'runs.overrideChecklistItem', { key: r.key, reason: 'start anyway' })).code).toBe('REFUSED');
    expect((await refusal(r.app, 'runs.startAll', {})).message).toContain(`${prepareFile} of ECC0 cannot be read`);

    // Put back, the next round reads it and Start all goes.
    writeFileSync(join(r.configRoot, prepareFile), '<Setup/>\n');
    await r.app.sshScheduler.idle();
    await r.app.sshScheduler.checkRound();
    await r.item('pass');
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
  }, 120_000);

  it('compares two runs: the set each server used, which config files differ, and the changed line side by side, read from the backups', async () => {
    const r = await provenanceRig(200);
    const prepareFile = r.names[1]!;
    const prepare = (threshold: number) =>
      ['<Setup>', '  <Node id="CoBo">', '    <Instance id="*">', '      <AsAd id="*">', '        <Aget id="*">', `          <Threshold>${threshold}</Threshold>`, '        </Aget>', '      </AsAd>', '    </Instance>', '  </Node>', '</Setup>', ''].join('\n');
    writeFileSync(join(r.configRoot, prepareFile), prepare(20));
    const allDone = (count: number) => waitFor(r.app, 'jobs.list', {}, (list) => list.length === count && list.every((j) => j.status === 'done'), WAIT_MS);
    expect(await operation(r.app, 'ecc.bringAllToReady')).toMatchObject({ ok: true });
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    await allDone(3);

    // Between the runs, a threshold is changed in the prepare file (Start all reads the files again just before the start).
    writeFileSync(join(r.configRoot, prepareFile), prepare(25));
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });

    // While run 1 goes, its backup does not exist yet: the files that differ say so.
    const going = await call(r.app, 'runs.compare', { a: 0, b: 1 });
    expect(going.servers).toHaveLength(1);
    expect(going.servers[0]!.files.map((f) => [f.role, f.same])).toEqual([['describe', true], ['prepare', false], ['configure', true]]);
    expect(going.servers[0]!.files[1]).toMatchObject({ diff: null, problem: `the backup of ${prepareFile} of ECC0 at run 1 cannot be read: the run is going (the backup is made after Stop)` });

    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    await allDone(6);
    const comparison = await call(r.app, 'runs.compare', { a: 0, b: 1 });
    expect(comparison).toMatchObject({ a: { runNumber: 0, recorded: true }, b: { runNumber: 1, recorded: true }, differentFiles: 1, differentSets: 0 });
    expect(comparison.a.configHash).not.toBe(comparison.b.configHash);
    const [server] = comparison.servers;
    expect(server).toMatchObject({ eccServer: 'ECC0', sameSet: true, sameConfigId: true, sameDataLinkTable: true });
    expect(server!.a!.backupFolder).toBe(join(r.backupRoot, 'e20009', 'run_0000'));
    expect(server!.b!.backupFolder).toBe(join(r.backupRoot, 'e20009', 'run_0001'));
    const file = server!.files.find((f) => f.role === 'prepare')!;
    expect(file).toMatchObject({ same: false, problem: null, notes: [] });
    expect(file.a!.startSha256).toBe(sha256sum(join(r.backupRoot, 'e20009', 'run_0000'), [prepareFile])[prepareFile]);
    // The changed line beside its old self, three unchanged lines around it, the rest left out.
    expect(file.diff).toEqual({
      added: 1,
      removed: 1,
      rows: [
        { kind: 'skipped', a: null, b: null, skipped: 2 },
        { kind: 'same', a: { line: 3, text: '    <Instance id="*">' }, b: { line: 3, text: '    <Instance id="*">' } },
        { kind: 'same', a: { line: 4, text: '      <AsAd id="*">' }, b: { line: 4, text: '      <AsAd id="*">' } },
        { kind: 'same', a: { line: 5, text: '        <Aget id="*">' }, b: { line: 5, text: '        <Aget id="*">' } },
        { kind: 'changed', a: { line: 6, text: '          <Threshold>20</Threshold>' }, b: { line: 6, text: '          <Threshold>25</Threshold>' } },
        { kind: 'same', a: { line: 7, text: '        </Aget>' }, b: { line: 7, text: '        </Aget>' } },
        { kind: 'same', a: { line: 8, text: '      </AsAd>' }, b: { line: 8, text: '      </AsAd>' } },
        { kind: 'same', a: { line: 9, text: '    </Instance>' }, b: { line: 9, text: '    </Instance>' } },
        { kind: 'skipped', a: null, b: null, skipped: 2 },
      ],
    });
    // The files that did not change are not read at all.
    expect(server!.files.filter((f) => f.role !== 'prepare').every((f) => f.diff === null && f.problem === null)).toBe(true);

    // The other way round, the sides swap (the texts come from the first read: a backup is never rewritten).
    const swapped = await call(r.app, 'runs.compare', { a: 1, b: 0 });
    expect(swapped.servers[0]!.files[1]!.diff?.rows.find((row) => row.kind === 'changed')).toEqual({
      kind: 'changed',
      a: { line: 6, text: '          <Threshold>25</Threshold>' },
      b: { line: 6, text: '          <Threshold>20</Threshold>' },
    });

    // A backup gone from the computer is named, never shown as equal.
    writeFileSync(join(r.configRoot, prepareFile), prepare(30));
    await waitFor(r.app, 'runs.status', {}, (s) => s.checklist.every((i) => i.status === 'pass'), WAIT_MS);
    expect(await operation(r.app, 'runs.startAll')).toMatchObject({ ok: true });
    expect(await operation(r.app, 'runs.stopAll')).toMatchObject({ ok: true });
    await allDone(9);
    const gone = join(r.backupRoot, 'e20009', 'run_0002', prepareFile);
    rmSync(gone);
    expect((await call(r.app, 'runs.compare', { a: 1, b: 2 })).servers[0]!.files[1]).toMatchObject({
      same: false,
      diff: null,
      problem: `the backup of ${prepareFile} of ECC0 at run 2 cannot be read: ${gone} does not exist`,
    });
    const err = await refusal(r.app, 'runs.compare', { a: 0, b: 7 });
    expect(err).toMatchObject({ code: 'NOT_FOUND', field: 'b', message: 'Experiment "e20009" has no run 7' });
  }, 120_000);
});
