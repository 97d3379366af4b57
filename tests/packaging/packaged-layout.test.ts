// The packaged application's layout, as electron-builder.yml makes it: electron-builder's `--dir`
// target (the unpacked application every installer holds), checked file by file. Electron itself
// cannot be downloaded here, so electron-builder is given a stand-in distribution (a folder with a
// placeholder executable) through its electronDist and electronVersion options; nothing runs it.
// Where the Electron-ABI build of better-sqlite3 (`npm run native:electron`) is missing, as it
// always is here, a stand-in file takes its place: the test checks where it lands, not that it loads
// (tests/e2e/electron.spec.ts runs the real packaged application where Electron exists).
// The build (out/) is made first when it is missing or older than the sources (scripts/serve.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtWorkerCandidates } from '../../src/main/app/worker-file';
import { nativeBindingCandidates } from '../../src/main/native';
// @ts-expect-error: a plain ES module script without type declarations
import { electronNativeAddon, electronPackageAbi } from '../../scripts/dist.mjs';
// @ts-expect-error: a plain ES module script without type declarations
import { ensureBuilt } from '../../scripts/serve.mjs';
import { PROJECT_ROOT, packUnpacked, type PackedApp } from '../support/packaged-app';

interface PackageJson {
  name: string;
  productName: string;
  version: string;
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
const electronVersion = pkg.devDependencies.electron!;
const abi = (electronPackageAbi as () => string)();
const WORKERS = ['ecc-worker.js', 'ssh-worker.js', 'demo-worker.js'];

let workDir: string;
let packed: PackedApp;
let archive: string;
/** The archive's entries, as paths relative to it with forward slashes (out/main/index.js). */
let entries: Set<string>;
let realNative: boolean;
let nativeSource: string;
/** What reached the test's proxy: any download electron-builder attempted through it. */
const proxied: string[] = [];
let proxy: Server;
let packSeconds: number;

beforeAll(async () => {
  (ensureBuilt as () => void)();
  workDir = mkdtempSync(join(tmpdir(), 'packaging-'));

  const electronDist = join(workDir, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "a stand-in for Electron: the packaging test never runs it" >&2\nexit 1\n', { mode: 0o755 });
  writeFileSync(join(electronDist, 'version'), electronVersion);

  const addon = (electronNativeAddon as () => string)();
  realNative = existsSync(addon);
  const nativeDir = realNative ? dirname(dirname(addon)) : join(workDir, 'native');
  if (!realNative) {
    mkdirSync(join(nativeDir, `electron-v${abi}`), { recursive: true });
    writeFileSync(join(nativeDir, `electron-v${abi}`, 'better_sqlite3.node'), 'a stand-in for the Electron-ABI build of better-sqlite3\n');
  }
  nativeSource = join(nativeDir, `electron-v${abi}`, 'better_sqlite3.node');

  proxy = createServer((request, response) => {
    proxied.push(`${request.method} ${request.url}`);
    response.writeHead(403).end('the packaging test allows no downloads');
  });
  proxy.on('connect', (request, socket) => {
    proxied.push(`CONNECT ${request.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const started = performance.now();
  packed = await packUnpacked({
    electronDist,
    electronVersion,
    nativeDir,
    workDir,
    // The stand-in is Linux's layout (an `electron` executable) on every system; the archive and
    // the resources in it are the same on the three.
    platform: 'linux',
    env: {
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: '',
      no_proxy: '',
      ELECTRON_GET_USE_PROXY: '1',
      // An empty cache: nothing downloaded earlier can stand in for a download now.
      ELECTRON_BUILDER_CACHE: join(workDir, 'cache'),
      NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, 'deny-network.mjs')).href}`,
      DAQ_NETWORK_LOG: join(workDir, 'network.log'),
      npm_config_update_notifier: 'false',
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    },
  });
  packSeconds = (performance.now() - started) / 1000;
  if (process.env.DAQ_PACKAGING_LOG) writeFileSync(process.env.DAQ_PACKAGING_LOG, packed.log);
  archive = join(packed.resourcesPath, 'app.asar');
  entries = new Set(listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, '')));
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A path inside the packaged resources, as an archive entry (undefined outside app.asar). */
function entryOf(path: string): string | undefined {
  const inside = relative(archive, path);
  return inside.startsWith('..') ? undefined : inside.split(sep).join('/');
}

describe('electron-builder --dir with a stand-in Electron distribution (no Electron can be downloaded here)', () => {
  it('packs without contacting the network, rebuilding nothing', () => {
    console.log(`electron-builder --dir took ${packSeconds.toFixed(1)} s (the Electron-ABI native build: ${realNative ? 'the real one' : 'a stand-in'})`);
    expect(proxied).toEqual([]);
    expect(existsSync(join(workDir, 'network.log')) ? readFileSync(join(workDir, 'network.log'), 'utf8') : '').toBe('');
    expect(packed.log).toMatch(/skipped dependencies rebuild\s+reason=npmRebuild is set to false/);
    expect(packed.log).toMatch(/using custom unpacked Electron distribution/);
  });

  it("names the executable after the package and keeps the application's package.json, version and entry", () => {
    expect(existsSync(packed.executable)).toBe(true);
    const packaged = JSON.parse(extractFile(archive, 'package.json').toString('utf8')) as PackageJson;
    expect(packaged).toMatchObject({ name: pkg.name, productName: pkg.productName, version: pkg.version, main: 'out/main/index.js' });
  });

  it('holds the main, preload and renderer bundles, the worker modules and the WSDL in the archive', () => {
    for (const file of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'resources/ecc.wsdl', ...WORKERS.map((w) => `out/main/${w}`)]) {
      expect(entries, file).toContain(file);
    }
    expect([...entries].filter((entry) => entry.startsWith('out/renderer/assets/') && entry.endsWith('.js')).length).toBeGreaterThan(0);
  });

  it('puts every worker module where the bundled code that starts it looks (src/main/app/worker-file.ts)', () => {
    const bundled = [...entries].filter((entry) => entry.startsWith('out/main/') && entry.endsWith('.js'));
    for (const worker of WORKERS) {
      const starters = bundled.filter((entry) => !WORKERS.includes(entry.slice('out/main/'.length)) && extractFile(archive, entry).toString('utf8').includes(worker));
      expect(starters, `bundled code naming ${worker}`).not.toEqual([]);
      for (const starter of starters) {
        const places = builtWorkerCandidates(dirname(join(archive, starter)), worker).map(entryOf);
        expect(places.some((place) => place !== undefined && entries.has(place)), `${worker} from ${starter}`).toBe(true);
      }
    }
  });

  it('ships the Electron-ABI better-sqlite3 outside the archive, where src/main/native.ts looks when packaged', () => {
    const [packagedAddon] = nativeBindingCandidates({ packaged: true, resourcesPath: packed.resourcesPath, abi });
    expect(packagedAddon).toBeDefined();
    expect(existsSync(packagedAddon!)).toBe(true);
    expect(readFileSync(packagedAddon!)).toEqual(readFileSync(nativeSource));
    // better-sqlite3's own (Node-ABI) build is left out: Electron could not load it.
    expect([...entries].filter((entry) => entry.startsWith('node_modules/better-sqlite3/build/'))).toEqual([]);
    expect(entries).toContain('node_modules/better-sqlite3/lib/index.js');
  });

  it('keeps no native addon inside the archive: each is an unpacked real file', () => {
    const addons = [...entries].filter((entry) => entry.endsWith('.node'));
    for (const addon of addons) {
      expect((statFile(archive, addon) as { unpacked?: boolean }).unpacked, addon).toBe(true);
      expect(existsSync(join(`${archive}.unpacked`, addon)), addon).toBe(true);
    }
  });

  it('holds nothing from the sources, tests, benchmarks, docs or scripts', () => {
    const foreign = [...entries].filter((entry) => /^(src|tests|bench|docs|scripts|native|build|dist|out-[^/]*)(\/|$)/.test(entry));
    expect(foreign).toEqual([]);
    expect([...entries].filter((entry) => !/^(node_modules|out|resources)(\/|$)|^package\.json$/.test(entry))).toEqual([]);
  });

  it('holds the production modules and no development-only package (the renderer is bundled)', () => {
    const modules = new Set([...entries].filter((e) => e.startsWith('node_modules/')).map((e) => e.split('/').slice(1, e.startsWith('node_modules/@') ? 3 : 2).join('/')));
    for (const name of Object.keys(pkg.dependencies)) expect(modules, name).toContain(name);
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => !(name in pkg.dependencies));
    expect(devOnly).toEqual(expect.arrayContaining(['vitest', 'electron-vite', 'electron', 'electron-builder', 'react', 'react-dom', '@electron/asar']));
    expect(devOnly.filter((name) => modules.has(name))).toEqual([]);
  });
});

describe("the packaging test's network guard (tests/packaging/deny-network.mjs)", () => {
  it('refuses and records a connection to another computer, so a download would fail the test', () => {
    const log = join(mkdtempSync(join(tmpdir(), 'deny-network-')), 'network.log');
    // 192.0.2.1 is TEST-NET-1: never routed, so nothing is contacted even if the guard failed.
    const attempt = spawnSync(process.execPath, ['-e', "require('node:net').connect(443, '192.0.2.1').on('error', () => {})"], {
      env: { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, 'deny-network.mjs')).href}`, DAQ_NETWORK_LOG: log },
      encoding: 'utf8',
    });
    expect(attempt.status).not.toBe(0);
    expect(attempt.stderr).toContain('The packaging test allows no network access (tried 192.0.2.1:443)');
    expect(readFileSync(log, 'utf8')).toContain('-> 192.0.2.1:443');
    rmSync(dirname(log), { recursive: true, force: true });
  });
});
