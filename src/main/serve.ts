// The application without Electron: serves the control interface to web browsers.
// Run `npm run serve -- --help` for the options.
import { runServe } from './app/cli';

runServe(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
