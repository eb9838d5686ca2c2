import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the app talks to a gateway started by ./scripts/start.sh (CENTAVO_GATEWAY);
// in production the gateway serves the built app itself, so /graphql is on the same origin.
const gateway = process.env.CENTAVO_GATEWAY ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', proxy: { '/graphql': { target: gateway, ws: true } } },
  build: {
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
    rolldownOptions: {
      output: {
        // React and Apollo change far less often than the app: their own long-cached files.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: 'apollo', test: /node_modules[\\/](@apollo|graphql|graphql-ws|rxjs|@wry|optimism|tslib)[\\/]/ },
          ],
        },
      },
    },
  },
});
