import { readFileSync } from 'node:fs';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';

/** A subgraph's SDL file (the same file supergraph.yaml composes). */
export const loadTypeDefs = (file: URL): DocumentNode => gql(readFileSync(file, 'utf8'));
