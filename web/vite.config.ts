/**
 * The web front end (issue 12): Vue 3 + Element Plus, built by Vite into web/dist, which the
 * service itself serves at `/` (src/http/routes/web.ts). `npm start` builds it first.
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
