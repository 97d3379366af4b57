// Test support: an SSH session to the test sshd with node-ssh directly (the connection layer is
// tested on its own), checking the host key, with SFTP and an `exec(argv)`.
import { NodeSSH } from 'node-ssh';
import type { SFTPWrapper } from 'ssh2';
import type { TestSshd } from '../support/sshd';
import type { CommandOutput } from '../../src/main/worker-node/staging';

export interface TestSession {
  ssh: NodeSSH;
  sftp: SFTPWrapper;
  /** Runs argv made of plain words (no quoting needed in these tests). */
  exec(argv: string[]): Promise<CommandOutput>;
  close(): void;
}

export async function openSession(sshd: TestSshd): Promise<TestSession> {
  const hostKey = Buffer.from(sshd.hostPublicKey.split(' ')[1] ?? '', 'base64');
  const ssh = await new NodeSSH().connect({
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    privateKey: sshd.privateKey,
    hostVerifier: (key: Buffer) => key.equals(hostKey),
  });
  const sftp = await ssh.requestSFTP();
  return {
    ssh,
    sftp,
    async exec(argv) {
      if (argv.some((a) => !/^[A-Za-z0-9_.:/=,^-]+$/.test(a))) throw new Error(`Not a plain word in ${JSON.stringify(argv)}`);
      const out = await ssh.execCommand(argv.join(' '));
      return { code: out.code, stdout: out.stdout, stderr: out.stderr };
    },
    close() {
      sftp.end();
      ssh.dispose();
    },
  };
}
