import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from '@centavo/config';

const roverConfig = z.object({
  federation_version: z.union([z.string(), z.number()]).optional(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.url(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

export interface ComposedSupergraph {
  supergraphSdl: string;
  subgraphs: { name: string; url: string }[];
}

export class CompositionError extends Error {}

/**
 * Composes the supergraph from a Rover-format supergraph.yaml, as `rover supergraph compose`
 * would. Subgraph URLs from config override routing_url. Any composition error throws.
 */
export function composeSupergraph(
  configFile: string,
  urlOverrides: Record<string, string | undefined> = {},
): ComposedSupergraph {
  const base = path.dirname(path.resolve(configFile));
  const config = roverConfig.parse(parseYaml(readFileSync(configFile, 'utf8')));
  const services = Object.entries(config.subgraphs).map(([name, entry]) => ({
    name,
    url: urlOverrides[name] ?? entry.routing_url,
    typeDefs: parse(readFileSync(path.resolve(base, entry.schema.file), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionError(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    subgraphs: services.map(({ name, url }) => ({ name, url })),
  };
}
