// Packs the application with electron-builder's `--dir` target (the unpacked application, no
// installer) from a staging copy of the project, so that the Electron distribution and the
// Electron-ABI native build can be chosen: the packaging test's stand-ins, or the real ones in
// the Electron end-to-end test. electron-builder.yml is used as it is.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type PackPlatform = 'linux' | 'win' | 'mac';

export interface PackOptions {
  /** A folder holding an unpacked Electron distribution (electron-builder's `electronDist`). */
  electronDist: string;
  electronVersion: string;
  /** The folder whose electron-v<abi>/better_sqlite3.node is shipped (the project's native/ or a stand-in). */
  nativeDir: string;
  /** An empty folder for the staging copy and the output. */
  workDir: string;
  platform: PackPlatform;
  env?: NodeJS.ProcessEnv;
}

export interface PackedApp {
  /** The unpacked application (linux-unpacked, win-unpacked, mac/). */
  appOutDir: string;
  /** What process.resourcesPath is in the packaged application. */
  resourcesPath: string;
  /** The application's executable. */
  executable: string;
  /** electron-builder's output, for failure messages and the test's checks. */
  log: string;
}

const PLATFORM_FLAGS: Record<PackPlatform, string> = { linux: '--linux', win: '--win', mac: '--mac' };

/** This computer's platform in electron-builder's words. */
export function currentPackPlatform(): PackPlatform {
  return process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux';
}

function link(target: string, path: string): void {
  // A junction needs no special right on Windows; elsewhere the type is ignored.
  symlinkSync(realpathSync(target), path, 'junction');
}

/**
 * The project as electron-builder sees it, with native/ pointing where the caller chose. The
 * bundles are copied: electron-builder stores a linked folder inside the archive as a link.
 * node_modules may stay a link (electron-builder copies the production modules it lists).
 */
function stage(projectDir: string, nativeDir: string): void {
  mkdirSync(projectDir, { recursive: true });
  for (const file of ['package.json', 'electron-builder.yml']) cpSync(join(PROJECT_ROOT, file), join(projectDir, file));
  for (const folder of ['out', 'build', 'resources']) cpSync(join(PROJECT_ROOT, folder), join(projectDir, folder), { recursive: true });
  link(join(PROJECT_ROOT, 'node_modules'), join(projectDir, 'node_modules'));
  link(nativeDir, join(projectDir, 'native'));
}

function packagedPaths(output: string, platform: PackPlatform): Omit<PackedApp, 'log'> {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { productName: string; name: string };
  const folder = readdirSync(output).find((name) => (platform === 'mac' ? /^mac/.test(name) : name.startsWith(`${platform}-`) && name.endsWith('unpacked')));
  if (!folder) throw new Error(`electron-builder made no unpacked application in ${output} (found ${readdirSync(output).join(', ')})`);
  const appOutDir = join(output, folder);
  if (platform === 'mac') {
    const bundle = join(appOutDir, `${pkg.productName}.app`);
    return { appOutDir, resourcesPath: join(bundle, 'Contents', 'Resources'), executable: join(bundle, 'Contents', 'MacOS', pkg.productName) };
  }
  const executable = platform === 'win' ? join(appOutDir, `${pkg.productName}.exe`) : join(appOutDir, pkg.name);
  return { appOutDir, resourcesPath: join(appOutDir, 'resources'), executable };
}

/** The environment for electron-builder: without vitest's variables, under which it logs nothing but errors. */
function builderEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  return env;
}

/** Runs `electron-builder --dir` for `platform`; rejects with its output when it fails. */
export async function packUnpacked(options: PackOptions): Promise<PackedApp> {
  const projectDir = join(options.workDir, 'project');
  const output = join(options.workDir, 'dist');
  stage(projectDir, options.nativeDir);
  const args = [
    join(PROJECT_ROOT, 'node_modules', 'electron-builder', 'cli.js'),
    '--dir',
    PLATFORM_FLAGS[options.platform],
    '--projectDir',
    projectDir,
    `-c.electronDist=${options.electronDist}`,
    `-c.electronVersion=${options.electronVersion}`,
    `-c.directories.output=${output}`,
  ];
  const log = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectDir, env: builderEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`electron-builder --dir failed (exit ${code}):\n${text}`))));
  });
  const paths = packagedPaths(output, options.platform);
  if (!existsSync(paths.executable)) throw new Error(`The packaged executable ${paths.executable} is missing:\n${log}`);
  return { ...paths, log };
}
