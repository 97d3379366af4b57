// The pieces of a run folder's manifest that need no server: batches within their limits, the
// sha256sum command as argv, its answer read back (and refused when it is not the answer for the
// files asked), and the two manifest forms byte for byte.
import { describe, expect, it } from 'vitest';
import { ChecksumError, checksumBatches, manifestText, parseSha256sum, sha256sumCommand } from '../../src/main/worker-node/checksums';

const HASH_A = 'a'.repeat(64);
const HASH_B = '0123456789abcdef'.repeat(4);

describe('run folder checksums', () => {
  it('cut a folder into batches by count, bytes and command length; a file over a limit is a batch alone', () => {
    const files = [1, 2, 3, 4, 5].map((n) => ({ name: `f${n}.graw`, size: n === 3 ? 50 : 10 }));
    expect(checksumBatches('/d', files, { files: 2 }).map((b) => b.map((f) => f.name))).toEqual([['f1.graw', 'f2.graw'], ['f3.graw', 'f4.graw'], ['f5.graw']]);
    expect(checksumBatches('/d', files, { bytes: 25 }).map((b) => b.length)).toEqual([2, 1, 2]);
    // '/d/f1.graw' quoted with a space: 13 bytes each.
    expect(checksumBatches('/d', files, { argvBytes: 30 }).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(checksumBatches('/d', [])).toEqual([]);
  });

  it('ask sha256sum for absolute paths after --, every name checked', () => {
    expect(sha256sumCommand('/data/e1/run_0001/', ['-rf.graw', "it's.graw"])).toEqual(['sha256sum', '--', '/data/e1/run_0001/-rf.graw', "/data/e1/run_0001/it's.graw"]);
    expect(() => sha256sumCommand('/data', ['../x.graw'])).toThrow(/must not contain '\/'/);
    expect(() => sha256sumCommand('relative', ['x.graw'])).toThrow(/Run folder/);
  });

  it('read the hashes of the files asked, in text or binary form and escaped names, and refuse any other answer', () => {
    const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
    expect(parseSha256sum('/d', ['a.graw', 'b\\c.graw'], ok(`${HASH_A}  /d/a.graw\n\\${HASH_B.toUpperCase()} */d/b\\\\c.graw\n`))).toEqual(
      new Map([
        ['a.graw', HASH_A],
        ['b\\c.graw', HASH_B],
      ]),
    );
    expect(() => parseSha256sum('/d', ['a.graw', 'b.graw'], ok(`${HASH_A}  /d/a.graw\n`))).toThrow('sha256sum printed 1 line(s) for 2 file(s)');
    expect(() => parseSha256sum('/d', ['a.graw'], ok(`${HASH_A}  /d/b.graw\n`))).toThrow(/answered for "\/d\/b.graw" where "\/d\/a.graw" was asked/);
    expect(() => parseSha256sum('/d', ['a.graw'], ok('nonsense\n'))).toThrow(ChecksumError);
    expect(() => parseSha256sum('/d', ['a.graw'], { code: 1, stdout: '', stderr: 'sha256sum: /d/a.graw: Permission denied\n' })).toThrow(
      'sha256sum failed (exit 1): sha256sum: /d/a.graw: Permission denied',
    );
    expect(() => parseSha256sum('/d', ['a.graw'], { code: 127, stdout: '', stderr: 'sh: sha256sum: not found' })).toThrow(/not installed on the worker computer/);
  });

  it('write MANIFEST.sha256 exactly as sha256sum prints, sorted, or MANIFEST.sizes saying so', () => {
    const context = { experiment: 'e20009', runNumber: 7, dataRouter: 'DataRouter0' };
    expect(manifestText([{ name: 'b.graw', size: 2, sha256: HASH_B }, { name: 'a.graw', size: 1, sha256: HASH_A }], context)).toEqual({
      name: 'MANIFEST.sha256',
      text: `${HASH_A}  a.graw\n${HASH_B}  b.graw\n`,
    });
    expect(manifestText([{ name: 'b.graw', size: 2, sha256: null }, { name: 'a.graw', size: 1, sha256: null }], context)).toEqual({
      name: 'MANIFEST.sizes',
      text: '# sizes only: checksums are turned off for experiment e20009; run 7 on DataRouter0, bytes then name\n1  a.graw\n2  b.graw\n',
    });
    expect(() => manifestText([{ name: 'a.graw', size: 1, sha256: HASH_A }, { name: 'b.graw', size: 1, sha256: null }], context)).toThrow(/one or the other/);
    expect(() => manifestText([{ name: 'a\\b.graw', size: 1, sha256: HASH_A }], context)).toThrow(/cannot be written in a manifest/);
  });
});
