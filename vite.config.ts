import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';

const shim = (name: string) => fileURLToPath(new URL(`./app/shims/${name}.ts`, import.meta.url));

/**
 * The dev server injects an inline React-refresh preamble and inline <style> tags; let those run
 * in `vite dev` only. The production build keeps index.html's strict policy untouched.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'klp-lab:relax-csp-for-dev',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the static build works from any sub-path (GitHub Pages, a file share…).
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  resolve: {
    // elfy is CommonJS written for Node: it needs util.inherits and assert.equal. Vite would
    // externalize both for the browser and the worker would die at load; use tiny local shims.
    alias: {
      util: shim('util'),
      assert: shim('assert'),
    },
  },
  define: {
    global: 'globalThis',
  },
  // Pre-bundle up front, or the dev server re-optimizes after the first upload and reloads.
  optimizeDeps: { include: ['elfy', 'buffer', 'comlink', 'fflate', 'fzstd', 'xz-decompress'] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  preview: { port: 4173, strictPort: true },
});
