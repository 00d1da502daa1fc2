import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is static files served by `berth ui` (src/ui/): relative asset URLs, nothing loaded from the network at
// run time, no source maps shipped.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // rjsf marks modules 'use client' for React Server Components, which a static bundle has no use for.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
