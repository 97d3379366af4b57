// The read-only monitors of the control room: a second HTTP/WebSocket listener of the same
// application, serving its interface and API read-only with the monitor token (never the control
// token), on the address the operator chose. Both serve mode and Electron open it from the
// stored setting (serve mode's command line may choose for its process); it follows a change of
// the setting without a restart.
import { hostname } from 'node:os';
import { ApiError } from '../../shared/api/errors';
import {
  MONITOR_TOKEN_REPLACED_CODE,
  MONITOR_TOKEN_REPLACED_REASON,
  type MonitorSettings,
  type MonitorStatus,
} from '../../shared/monitor';
import { exposureWarning, isLoopback } from '../api/http-security';
import { startHttpServer, type HttpServer } from '../api/http-server';
import type { MonitorControl } from '../api/monitor-handlers';
import type { ApiService } from '../api/service';
import type { Store } from '../db/store';
import { readMonitorSettings, writeMonitorSettings } from '../settings/monitor';
import { MONITOR_TOKEN_FILE, readOrCreateToken, writeNewToken } from './token';

export interface MonitorOptions {
  dataDir: string;
  store: Store;
  /** The service the monitors are served (made after this object: only read when opening). */
  service: () => ApiService;
  /** The built renderer to serve them (absent: the API only). */
  staticDir?: string | undefined;
  /** Serve mode's --monitor-host / --monitor-port: the monitor opens there for this process. */
  commandLine?: { host?: string; port?: number } | undefined;
  heartbeatMs?: number | undefined;
  /** Announces a change of what monitor.status answers. */
  onChange: () => void;
}

/** A failure to listen, as a refusal naming the field to change. */
function listenError(error: unknown, settings: MonitorSettings): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return new ApiError('CONFLICT', `port: port ${settings.port} is already in use on ${settings.host}`, 'port');
    case 'EACCES':
      return new ApiError('REFUSED', `port: port ${settings.port} needs privileges this application does not have (choose one above 1023)`, 'port');
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ApiError('INVALID_INPUT', `host: ${settings.host} is not an address of this computer`, 'host');
    default:
      return new ApiError('INTERNAL', `The monitor cannot listen on ${settings.host}:${settings.port}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const sameAddress = (a: MonitorSettings, b: MonitorSettings) => a.host === b.host && a.port === b.port;

export class MonitorListener implements MonitorControl {
  private server: HttpServer | undefined;
  private token: string;
  private settings: MonitorSettings;
  private source: MonitorStatus['source'];
  private error: string | null = null;
  /** Opening, moving and closing one after the other, never two at once. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Settles once the listener the setting asked for at start is open (or could not be). */
  opened: Promise<void> = Promise.resolve();

  constructor(private readonly options: MonitorOptions) {
    this.token = readOrCreateToken(options.dataDir, MONITOR_TOKEN_FILE);
    const stored = readMonitorSettings(options.store);
    const { commandLine } = options;
    if (commandLine && (commandLine.host !== undefined || commandLine.port !== undefined)) {
      this.settings = { enabled: true, host: commandLine.host ?? stored.host, port: commandLine.port ?? stored.port };
      this.source = 'command line';
    } else {
      this.settings = stored;
      this.source = 'setting';
    }
  }

  /** Opens the listener the setting asks for. Never rejects: a failure is in status().error. */
  open(): Promise<void> {
    this.opened = this.serialized(async () => {
      try {
        await this.move(this.settings);
      } catch (error) {
        // Shown in Setup (monitor.status), and by serve mode at start.
        this.error = error instanceof Error ? error.message : String(error);
      }
      this.options.onChange();
    });
    return this.opened;
  }

  status(): MonitorStatus {
    const { server, settings, token } = this;
    // A listener on every interface is handed out by this computer's name, which others can reach.
    const linkBase = server && (server.host === '0.0.0.0' || server.host === '::') ? `http://${hostname()}:${server.port}` : server?.url;
    const exposed = server !== undefined && !isLoopback(server.host);
    return {
      settings: { ...settings },
      source: this.source,
      listening: server !== undefined,
      url: server?.url ?? null,
      link: linkBase ? `${linkBase}/?token=${token}` : null,
      token,
      connections: server?.connections ?? 0,
      error: this.error,
      warning: exposed ? exposureWarning(server.host, 'watch the DAQ').join(' ') : null,
    };
  }

  configure(changes: Partial<MonitorSettings>): Promise<MonitorStatus> {
    return this.serialized(async () => {
      if (this.closed) throw new ApiError('REFUSED', 'The application is closing');
      const next: MonitorSettings = { ...this.settings, ...changes };
      await this.move(next);
      this.settings = next;
      this.source = 'setting';
      this.error = null;
      writeMonitorSettings(this.options.store, next);
      this.options.onChange();
      return this.status();
    });
  }

  newToken(): MonitorStatus {
    // The new token first, so that the monitors cut off cannot come back with the old one.
    this.token = writeNewToken(this.options.dataDir, MONITOR_TOKEN_FILE);
    this.server?.disconnect(MONITOR_TOKEN_REPLACED_CODE, MONITOR_TOKEN_REPLACED_REASON);
    this.options.onChange();
    return this.status();
  }

  /** The listener now, for the application's own use (tests, the benchmark). */
  get listener(): HttpServer | undefined {
    return this.server;
  }

  /** Stops listening for good; the monitors are told the control room closed. */
  close(): Promise<void> {
    this.closed = true;
    return this.serialized(async () => {
      const server = this.server;
      this.server = undefined;
      await server?.close('The control room application is closing');
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Makes the listener what `next` says. On a failure the one before is opened again where it
   * was (its monitors reconnect by themselves) and the failure is thrown.
   */
  private async move(next: MonitorSettings): Promise<void> {
    const current = this.server;
    if (!next.enabled) {
      this.server = undefined;
      await current?.close('The control room closed the monitor');
      return;
    }
    if (current && sameAddress(next, this.settings)) return;
    // Closed first: the new address may be the same port on another interface of this computer.
    this.server = undefined;
    await current?.close('The monitor moved: ask the control room for its new address');
    try {
      this.server = await this.listen(next);
    } catch (error) {
      if (current) {
        try {
          this.server = await this.listen({ ...this.settings, port: current.port });
        } catch (again) {
          this.error = `It could not be opened again where it was: ${again instanceof Error ? again.message : String(again)}`;
        }
      }
      throw listenError(error, next);
    }
  }

  private listen(settings: MonitorSettings): Promise<HttpServer> {
    const { options } = this;
    const currentToken = () => this.token;
    return startHttpServer({
      // Read at every request and upgrade: a new monitor token applies at once.
      application: {
        service: options.service(),
        readOnly: true,
        get token() {
          return currentToken();
        },
      },
      host: settings.host,
      port: settings.port,
      readOnly: true,
      tokenFile: MONITOR_TOKEN_FILE,
      onClientsChange: () => options.onChange(),
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    });
  }
}
