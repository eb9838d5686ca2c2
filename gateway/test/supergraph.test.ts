import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../src/supergraph.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('supergraph composition', () => {
  it('composes supergraph.yaml into one supergraph of the four subgraphs', () => {
    const { supergraphSdl, subgraphs } = composeSupergraph(path.join(root, 'supergraph.yaml'));
    expect(subgraphs.map((s) => s.name)).toEqual(['auth', 'transactions', 'budget', 'ai']);
    for (const type of ['type User', 'type Account', 'type Category', 'type Rule', 'type Money']) {
      expect(supergraphSdl).toContain(type);
    }
  });

  it('takes subgraph URLs from config over routing_url', () => {
    const { subgraphs } = composeSupergraph(path.join(root, 'supergraph.yaml'), { budget: 'http://budget:4003/graphql' });
    expect(subgraphs.find((s) => s.name === 'budget')?.url).toBe('http://budget:4003/graphql');
  });

  it('fails on a composition error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'centavo-compose-'));
    writeFileSync(path.join(dir, 'a.graphql'), 'type Query { me: String }');
    writeFileSync(path.join(dir, 'b.graphql'), 'type Query { me: Int }');
    writeFileSync(
      path.join(dir, 'supergraph.yaml'),
      `federation_version: =2.9.0
subgraphs:
  a: { routing_url: "http://127.0.0.1:1/graphql", schema: { file: ./a.graphql } }
  b: { routing_url: "http://127.0.0.1:2/graphql", schema: { file: ./b.graphql } }
`,
    );
    expect(() => composeSupergraph(path.join(dir, 'supergraph.yaml'))).toThrow(/composition failed/);
  });
});
