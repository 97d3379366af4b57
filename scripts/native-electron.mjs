// `npm run native:electron`: builds better-sqlite3 for Electron's ABI into native/electron-v<abi>/.
// Never in place: node_modules/better-sqlite3 keeps the Node build that tests and the
// browser-interface server load. The build happens in a copy, with npm's `nodedir` setting
// removed (it would silently produce a Node build labelled as Electron's), and the result is
// checked to load in Electron and NOT in Node.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');
const sourceDir = join(root, 'node_modules', 'better-sqlite3');

class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
  const binary = join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** The environment without npm's nodedir (and other settings that point node-gyp at Node's headers). */
function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const lower = key.toLowerCase();
    if (lower === 'npm_config_nodedir' || lower === 'npm_config_target' || lower === 'npm_config_runtime' || lower === 'npm_config_disturl') {
      delete env[key];
    }
  }
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

function run(command, args, options) {
  console.log(`> ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', ...options }).status === 0;
}

/** node-gyp as npm bundles it (npm passes its path to scripts), else next to this Node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((path) => path && existsSync(path));
}

function main() {
  const binary = electronBinary();
  if (!binary) {
    fail(
      "Electron's binary is not installed (node_modules/electron/dist is missing: its download failed or was skipped). " +
        'An Electron build of better-sqlite3 can be neither made nor checked without it. ' +
        'Install Electron where downloads work (`npx install-electron`), then run `npm run native:electron` again; ' +
        'meanwhile `npm run serve` runs the application in a browser.',
    );
  }
  const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const asElectronNode = (args) =>
    spawnSync(binary, args, { env: { ...cleanEnv(), ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  const abiAnswer = asElectronNode(['-p', 'process.versions.modules']);
  const abi = abiAnswer.stdout?.trim();
  if (abiAnswer.status !== 0 || !/^\d+$/.test(abi ?? '')) fail(`could not ask Electron for its ABI: ${abiAnswer.stderr || abiAnswer.error}`);
  if (abi === process.versions.modules) fail(`Electron's ABI (${abi}) equals this Node's: refusing to mix up the two builds`);

  const work = mkdtempSync(join(tmpdir(), 'better-sqlite3-electron-'));
  const copy = join(work, 'better-sqlite3');
  try {
    console.log(`Building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}) in ${copy}`);
    // Everything but the Node build output.
    cpSync(sourceDir, copy, { recursive: true, filter: (path) => !path.startsWith(join(sourceDir, 'build')) });
    const env = cleanEnv();
    const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
    let ok =
      existsSync(prebuild) &&
      run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--verbose'], {
        cwd: copy,
        env,
      });
    if (!ok) {
      const gyp = nodeGyp();
      if (!gyp) fail('no prebuilt binary could be downloaded, and node-gyp was not found to compile one');
      ok = run(
        process.execPath,
        [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron', `--arch=${process.arch}`],
        { cwd: copy, env },
      );
      if (!ok) fail("compiling failed (see above). It needs Electron's headers from electronjs.org and a C++ tool chain.");
    }
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) fail(`the build produced no ${built}`);

    // The trap this guards against: a Node build that merely carries Electron's label.
    const inNode = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(built)})`], { env, encoding: 'utf8' });
    if (inNode.status === 0) fail('the result loads in Node, so it is not an Electron build (was nodedir still set?)');
    const check = `const Database = require(${JSON.stringify(join(copy, 'lib'))}); ` +
      `const db = new Database(':memory:', { nativeBinding: ${JSON.stringify(built)} }); ` +
      `if (db.prepare('select 1 as x').get().x !== 1) process.exit(1); db.close();`;
    const inElectron = asElectronNode(['-e', check]);
    if (inElectron.status !== 0) fail(`the result does not load in Electron: ${inElectron.stderr}`);

    const targetDir = join(root, 'native', `electron-v${abi}`);
    mkdirSync(targetDir, { recursive: true });
    copyFileSync(built, join(targetDir, 'better_sqlite3.node'));
    console.log(`Done: ${join(targetDir, 'better_sqlite3.node')} (checked in Electron ${electronVersion})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(`native:electron: ${error.message}`);
  process.exitCode = 1;
}
