import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // index: the Electron main process; serve: the same application without Electron.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          serve: resolve(__dirname, 'src/main/serve.ts'),
          // The ECC worker threads' module (src/main/ecc/pool.ts finds it next to the bundle).
          'ecc-worker': resolve(__dirname, 'src/main/ecc/worker.ts'),
          // The SSH worker threads' module (src/main/worker-node/ssh-pool.ts finds it next to the bundle).
          'ssh-worker': resolve(__dirname, 'src/main/worker-node/ssh-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
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
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});
