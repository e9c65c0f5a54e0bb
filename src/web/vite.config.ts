import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const LIMIT_KB = 500;

/**
 * Prints the gzipped size of the JavaScript the first page load needs (the entry, the app it
 * imports at once (main.tsx -> boot.tsx, a dynamic import only so that it can start after the first
 * frame), and their static imports; not the pages' lazy chunks); fails above the limit.
 */
function initialBundleSize(): Plugin {
  return {
    name: 'otc-initial-bundle-size',
    apply: 'build',
    generateBundle(_opts, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      const entry = chunks.find((c) => c.type === 'chunk' && c.isEntry);
      if (!entry || entry.type !== 'chunk') return;
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        const c = bundle[name];
        if (c?.type === 'chunk') c.imports.forEach(visit);
      };
      visit(entry.fileName);
      entry.dynamicImports.forEach(visit);
      let raw = 0;
      let gz = 0;
      for (const name of seen) {
        const c = bundle[name];
        if (c?.type !== 'chunk') continue;
        raw += Buffer.byteLength(c.code);
        gz += gzipSync(c.code, { level: 9 }).length;
      }
      const kb = (n: number) => (n / 1024).toFixed(1);
      process.stdout.write(`\ninitial JS bundle: ${kb(raw)} KB, ${kb(gz)} KB gzipped (limit ${LIMIT_KB} KB)\n`);
      if (gz > LIMIT_KB * 1024) this.error(`the initial JS bundle is ${kb(gz)} KB gzipped, above the ${LIMIT_KB} KB limit`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), initialBundleSize()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
