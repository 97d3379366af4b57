// The application without its windows: the data directory, its one-instance lock, the API
// token, the database and the API service over it. Electron and the browser-interface server
// both start from here, so everything below the transports is testable in plain Node.
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiService } from '../api/service';
import { handlers } from '../api/handlers';
import { Store } from '../db/store';
import { electronNativeBinding } from '../native';
import { lockDataDir } from './lock';
import { appVersion } from './paths';
import { readOrCreateToken } from './token';

export const DATABASE_FILE = 'daq.sqlite';

export interface ApplicationOptions {
  dataDir: string;
  /** Every caller of every transport is read-only: the application can watch but not change anything. */
  readOnly?: boolean;
  /** better-sqlite3's addon; by default Electron's build inside Electron, node_modules' build in Node. */
  nativeBinding?: string;
}

export interface Application {
  readonly dataDir: string;
  readonly readOnly: boolean;
  readonly version: string;
  readonly token: string;
  readonly store: Store;
  readonly service: ApiService;
  /** Closes the service and the database and releases the data directory. Safe to call twice. */
  close(): void;
}

/** Opens the application on a data directory; throws DataDirLockedError while another instance uses it. */
export function openApplication(options: ApplicationOptions): Application {
  const dataDir = resolve(options.dataDir);
  // Private from the start: it holds the API token. An existing folder is left as it is.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!statSync(dataDir).isDirectory()) throw new Error(`${dataDir} is not a directory`);
  const lock = lockDataDir(dataDir);
  let store: Store | undefined;
  try {
    const token = readOrCreateToken(dataDir);
    const nativeBinding = options.nativeBinding ?? electronNativeBinding();
    store = new Store(join(dataDir, DATABASE_FILE), nativeBinding ? { nativeBinding } : {});
    const version = appVersion();
    const service = new ApiService({ store, handlers, app: { version, dataDir } });
    const openedStore = store;
    let closed = false;
    return {
      dataDir,
      readOnly: options.readOnly ?? false,
      version,
      token,
      store: openedStore,
      service,
      close() {
        if (closed) return;
        closed = true;
        try {
          service.close();
          openedStore.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    store?.close();
    lock.release();
    throw error;
  }
}
