// The browser-interface server's command line: options, the lines it prints (people and tests
// read them), and a clean shutdown. src/main/serve.ts runs it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpServer, type HttpServer } from '../api/http-server';
import { exposureWarning, isLoopback } from '../api/http-security';
import { DEFAULT_MONITOR_PORT, DEFAULT_MONITOR_SETTINGS } from '../../shared/monitor';
import { openApplication, type Application } from './application';
import { DATA_DIR_ENV, defaultDataDir, projectRoot } from './paths';

export const DEFAULT_PORT = 8765;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  readOnly: boolean;
  /** --monitor-port / --monitor-host: the read-only monitor opens there for this process. */
  monitorPort?: number;
  monitorHost?: string;
  help: boolean;
}

/** A mistake on the command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function usage(dataDir = defaultDataDir()): string {
  return `Usage: npm run serve -- [options]    (or: node out/main/serve.js [options])

Serves the AT-TPC DAQ control interface to web browsers, without Electron.

Options:
  --data DIR     Data directory (database, API token, lock).
                 Default: ${dataDir}
                 (set ${DATA_DIR_ENV} to change the default)
  --port N       TCP port, 0 to 65535; 0 picks any free port. Default: ${DEFAULT_PORT}
  --host H       Address to listen on. Default: ${DEFAULT_HOST} (this computer only).
                 Any other address exposes the API to the network, protected by the token only.
  --read-only    Nothing can be changed through this server: it can only watch.
  --monitor-port N
                 Also serve a read-only monitor of this same application on port N (0 = any
                 free port), with its own token, for the other screens of the control room.
                 Default: the setting in Setup (port ${DEFAULT_MONITOR_PORT} when first enabled there).
  --monitor-host H
                 Address the monitor listens on. Default: the setting in Setup, else
                 ${DEFAULT_MONITOR_SETTINGS.host}. Any other address lets other computers watch, with the monitor token.
                 Either option opens the monitor for this run, whatever the stored setting says.
  -h, --help     Show this help and exit.

Open the printed address (it carries the API token) in a browser. Scripts send the token as
"Authorization: Bearer <token>"; it is kept in <data directory>/api-token. The monitor's
address (printed as "Monitor:") carries the monitor token, kept in <data directory>/monitor-token:
it can watch everything and change nothing.
`;
}

/** Parses the arguments after the script name. Throws UsageError with a message naming the problem. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  const options: ServeOptions = { dataDir: '', port: DEFAULT_PORT, host: DEFAULT_HOST, readOnly: false, help: false };
  let dataDir: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-' ) throw new UsageError(`Unexpected argument "${arg}": this command takes options only`);
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    const once = (): void => {
      if (seen.has(name)) throw new UsageError(`${name} is given twice`);
      seen.add(name);
    };
    switch (name) {
      case '--data': {
        once();
        const dir = value();
        if (dir.trim() === '') throw new UsageError('--data needs a directory');
        dataDir = dir;
        break;
      }
      case '--port': {
        once();
        const text = value();
        if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
          throw new UsageError(`--port must be a whole number from 0 to 65535 (0 = any free port), not "${text}"`);
        }
        options.port = Number(text);
        break;
      }
      case '--host': {
        once();
        const host = value().trim();
        if (host === '' || /[\s/]/.test(host)) throw new UsageError(`--host must be an address or host name, not "${host}"`);
        options.host = host.replace(/^\[(.*)\]$/, '$1');
        break;
      }
      case '--monitor-port': {
        once();
        const text = value();
        if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
          throw new UsageError(`--monitor-port must be a whole number from 0 to 65535 (0 = any free port), not "${text}"`);
        }
        options.monitorPort = Number(text);
        break;
      }
      case '--monitor-host': {
        once();
        const host = value().trim();
        if (host === '' || /[\s/]/.test(host)) throw new UsageError(`--monitor-host must be an address or host name, not "${host}"`);
        options.monitorHost = host.replace(/^\[(.*)\]$/, '$1');
        break;
      }
      case '--read-only':
        if (inline !== undefined) throw new UsageError('--read-only takes no value');
        options.readOnly = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new UsageError(`Unknown option ${name}`);
    }
  }
  options.dataDir = dataDir ?? defaultDataDir(env);
  return options;
}

/** The lines printed once the server listens, exactly as documented; the monitor's when it is open. */
export function startupLines(dataDir: string, url: string, token: string, readOnly: boolean, monitorLink?: string | null): string[] {
  return [
    `AT-TPC DAQ control, data in ${dataDir}`,
    `  Open:  ${url}/?token=${token}${readOnly ? ' (read-only)' : ''}`,
    `  Token: ${token}`,
    ...(monitorLink ? [`  Monitor: ${monitorLink} (read-only, for the other screens)`] : []),
  ];
}

/** The warning for a listener beyond this computer, said loudly. */
function warnIfExposed(host: string, what: Parameters<typeof exposureWarning>[1], warn: (line: string) => void): void {
  if (isLoopback(host)) return;
  warn('');
  for (const line of exposureWarning(host, what)) warn(`*** ${line} ***`);
  warn('');
}

export interface RunningServer {
  application: Application;
  server: HttpServer;
  /**
   * Closes the server, then the application: its work under way ends (within the close bound)
   * before the database closes and the data directory is released.
   */
  stop(): Promise<void>;
}

/** The built renderer, when there is one. */
export function rendererDir(moduleUrl: string = import.meta.url): string | undefined {
  // The interface built with this bundle (out/renderer beside out/main, wherever the build went),
  // else the project's out/renderer (running from the sources).
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = moduleUrl.endsWith('.ts')
    ? [join(projectRoot(), 'out', 'renderer')]
    : [join(here, '..', 'renderer'), join(here, '..', '..', 'renderer'), join(projectRoot(), 'out', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Opens the application and serves it; prints the startup lines with `print`. */
export async function startServe(
  options: ServeOptions,
  print: (line: string) => void = (line) => console.log(line),
  warn: (line: string) => void = (line) => console.error(line),
): Promise<RunningServer> {
  const staticDir = rendererDir();
  const commandLine = {
    ...(options.monitorHost !== undefined ? { host: options.monitorHost } : {}),
    ...(options.monitorPort !== undefined ? { port: options.monitorPort } : {}),
  };
  const application = openApplication({ dataDir: options.dataDir, readOnly: options.readOnly, monitor: { staticDir, commandLine } });
  let server: HttpServer;
  try {
    if (!staticDir) warn('No built user interface (out/renderer): serving the API only. Run `npx electron-vite build`.');
    await application.monitor.opened;
    const monitor = application.monitor.status();
    // Asked for on the command line: not serving it is a failure to start, like --port's.
    if (monitor.source === 'command line' && monitor.error !== null) throw new Error(`The monitor cannot be served: ${monitor.error}`);
    server = await startHttpServer({
      application,
      host: options.host,
      port: options.port,
      readOnly: options.readOnly,
      ...(staticDir ? { staticDir } : {}),
    });
  } catch (error) {
    await application.close();
    throw error;
  }
  warnIfExposed(options.host, 'control the DAQ', warn);
  const monitor = application.monitor.status();
  if (monitor.error !== null) warn(`The monitor is not served: ${monitor.error} (change it in Setup)`);
  if (monitor.listening) warnIfExposed(monitor.settings.host, 'watch the DAQ', warn);
  for (const line of startupLines(application.dataDir, server.url, application.token, options.readOnly, monitor.link)) print(line);
  let stopping: Promise<void> | undefined;
  return {
    application,
    server,
    stop() {
      stopping ??= server.close().finally(() => application.close().then(() => application.closed));
      return stopping;
    },
  };
}

/** The command: parses, serves until SIGINT/SIGTERM, and returns the exit code. */
export async function runServe(argv: readonly string[]): Promise<number> {
  let options: ServeOptions;
  try {
    options = parseServeArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}`);
      console.error('Run with --help to see the options.');
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(usage());
    return 0;
  }
  let running: RunningServer;
  try {
    running = await startServe(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`Error: port ${options.port} is already in use (try --port 0 for any free port)`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') console.error(`Error: cannot listen on ${options.host}: not an address of this computer`);
    else console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      console.log(`\n${signal}: shutting down`);
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          console.error('Shutdown failed:', error);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
