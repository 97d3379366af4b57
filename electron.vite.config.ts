import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// DAQ_OUT_DIR builds somewhere other than out/ (two builds side by side; the end-to-end tests
// read the same variable). It must stay inside the project, where node_modules is found.
const outRoot = resolve(__dirname, process.env.DAQ_OUT_DIR ?? 'out');

export default defineConfig({
  main: {
    build: {
      outDir: resolve(outRoot, 'main'),
      rollupOptions: {
        // index: the Electron main process; serve: the same application without Electron.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          serve: resolve(__dirname, 'src/main/serve.ts'),
          // The ECC worker threads' module (src/main/ecc/pool.ts finds it next to the bundle).
          'ecc-worker': resolve(__dirname, 'src/main/ecc/worker.ts'),
          // The SSH worker threads' module (src/main/worker-node/ssh-pool.ts finds it next to the bundle).
          'ssh-worker': resolve(__dirname, 'src/main/worker-node/ssh-worker.ts'),
          // The demo's simulators, in a thread of their own (src/main/demo/demo.ts finds it next to the bundle).
          'demo-worker': resolve(__dirname, 'src/main/demo/demo-thread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(outRoot, 'preload'),
      rollupOptions: {
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(outRoot, 'renderer'),
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});
