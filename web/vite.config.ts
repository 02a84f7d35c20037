import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The citizen portal, built to web/dist and served by the API server on the same port.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/dev': 'http://127.0.0.1:3000' } },
});
