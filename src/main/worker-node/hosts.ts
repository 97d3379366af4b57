// The application's own SSH settings per worker computer (user, port, identity file): each one
// set beats what ~/.ssh/config says for that host.
import type { SshHostSettings } from '../../shared/api/contract';
import type { Store } from '../db/store';
import { nowIso } from '../time';
import type { HostOverrides } from './ssh-config';

interface SshHostRow {
  host: string;
  user: string | null;
  port: number | null;
  identity_file: string | null;
  updated_at: string;
}

function fromRow(row: SshHostRow): SshHostSettings {
  return { host: row.host, user: row.user, port: row.port, identityFile: row.identity_file, updatedAt: row.updated_at };
}

export function listSshHosts(store: Store): SshHostSettings[] {
  return store.db.prepare<[], SshHostRow>('SELECT * FROM ssh_host ORDER BY host').all().map(fromRow);
}

export function getSshHost(store: Store, host: string): SshHostSettings | undefined {
  const row = store.db.prepare<[string], SshHostRow>('SELECT * FROM ssh_host WHERE host = ?').get(host);
  return row ? fromRow(row) : undefined;
}

export function setSshHost(store: Store, settings: Omit<SshHostSettings, 'updatedAt'>): SshHostSettings {
  return store.write(['ssh_host'], () => {
    store.db
      .prepare(
        `INSERT INTO ssh_host (host, user, port, identity_file, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (host) DO UPDATE SET user = excluded.user, port = excluded.port,
           identity_file = excluded.identity_file, updated_at = excluded.updated_at`,
      )
      .run(settings.host, settings.user, settings.port, settings.identityFile, nowIso());
    return getSshHost(store, settings.host)!;
  });
}

/** Whether settings for the host existed (and are gone now). */
export function removeSshHost(store: Store, host: string): boolean {
  return store.write(['ssh_host'], () => store.db.prepare('DELETE FROM ssh_host WHERE host = ?').run(host).changes > 0);
}

/** The overrides the SSH layer applies for a host (only the values set). */
export function hostOverrides(store: Store, host: string): HostOverrides {
  const settings = getSshHost(store, host);
  if (!settings) return {};
  const overrides: HostOverrides = {};
  if (settings.user !== null) overrides.user = settings.user;
  if (settings.port !== null) overrides.port = settings.port;
  if (settings.identityFile !== null) overrides.identityFile = settings.identityFile;
  return overrides;
}
