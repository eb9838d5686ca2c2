import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { cliAdapter } from '../../packages/db/src/cli-adapter.js';

const dir = import.meta.dirname;
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(dir, 'schema.prisma'),
  migrations: { path: path.join(dir, 'migrations') },
  adapter: async () => cliAdapter(process.env.DATABASE_URL_AI ?? ''),
});
