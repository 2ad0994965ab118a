import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * Two pages in one build: the agent console (`/`) and GraphiQL (`/graphiql`). Everything they load
 * comes out of this build under `dist/web/` (hashed names in `assets/`); the server serves it, so
 * nothing is fetched from anywhere else at run time.
 */
export default defineConfig({
  root: webDir,
  base: '/',
  publicDir: path.join(webDir, 'public'),
  // esbuild compiles the TSX; no React plugin is needed for a production build.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: path.join(webDir, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // GraphiQL (CodeMirror, its language service, graphql-js) is one large chunk of its own page.
    chunkSizeWarningLimit: 2_500,
    rollupOptions: {
      // GraphiQL's dependencies mark their modules "use client" (for React Server Components),
      // which means nothing in a plain client bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        console: path.join(webDir, 'index.html'),
        graphiql: path.join(webDir, 'graphiql', 'index.html'),
      },
    },
  },
  // `npm run dev:web`: the console with hot reload, talking to a server started with `npm start`.
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/attachments': { target: 'http://127.0.0.1:4000' },
    },
  },
});
