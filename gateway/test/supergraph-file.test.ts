import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { parse, type GraphQLSchema } from 'graphql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@centavo/logger';
import { loadSupergraphFile, subgraphsOfSupergraph } from '../src/supergraph-file.js';

const root = path.resolve(import.meta.dirname, '../..');
const logger = createLogger({ level: 'silent' });

/** A real composed supergraph of one subgraph whose Query has these fields. */
function supergraphWith(fields: string[]): string {
  const result = composeServices([
    { name: 'one', url: 'http://127.0.0.1:9/graphql', typeDefs: parse(`type Query { ${fields.map((f) => `${f}: String`).join(' ')} }`) },
  ]);
  if (result.errors) throw result.errors[0];
  return result.supergraphSdl;
}

/** Replaced as deploy tools do it: written beside it, then renamed over it. */
function replace(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('supergraph from a file (SUPERGRAPH_PATH)', () => {
  it("reads the subgraphs and their URLs from the repository's composed supergraph.graphql", () => {
    const subgraphs = subgraphsOfSupergraph(readFileSync(path.join(root, 'supergraph.graphql'), 'utf8'));
    expect(subgraphs.map((s) => s.name).sort()).toEqual(['ai', 'auth', 'budget', 'transactions']);
    expect(subgraphs.find((s) => s.name === 'auth')?.url).toBe('http://127.0.0.1:4001/graphql');
  });

  it('refuses a file that is not a supergraph', () => {
    expect(() => subgraphsOfSupergraph('type Query { a: String }')).toThrow(/not a supergraph/);
  });

  it('serves the file, reloads it when it is replaced, and keeps the running one when a change does not load', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'centavo-supergraph-'));
    const file = path.join(dir, 'supergraph.graphql');
    writeFileSync(file, supergraphWith(['a']));
    const errors = vi.fn();
    const watched = await loadSupergraphFile(file, { ...logger, error: errors, info: () => {}, warn: () => {} } as unknown as typeof logger, 50);
    const gateway = new ApolloGateway({ supergraphSdl: watched.hook, logger });
    const schemas: GraphQLSchema[] = [];
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => schemas.push(apiSchema));
    await gateway.load();
    stops.push(() => gateway.stop());
    expect(Object.keys(schemas.at(-1)!.getQueryType()!.getFields())).toEqual(['a']);

    replace(file, supergraphWith(['a', 'b']));
    await vi.waitFor(() => expect(Object.keys(schemas.at(-1)!.getQueryType()!.getFields())).toEqual(['a', 'b']), { timeout: 10_000 });

    const loads = schemas.length;
    replace(file, 'this is not a supergraph');
    await vi.waitFor(() => expect(errors).toHaveBeenCalled(), { timeout: 10_000 });
    expect(schemas.length).toBe(loads);
    expect(Object.keys(gateway.schema!.getQueryType()!.getFields())).toEqual(['a', 'b']);
  });
});
