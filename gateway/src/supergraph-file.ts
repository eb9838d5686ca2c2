import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphSdlHook } from '@apollo/gateway';
import { Kind, parse, type ConstValueNode } from 'graphql';
import type { Logger } from '@centavo/logger';

/**
 * A Rover-composed supergraph (`rover supergraph compose --config supergraph.yaml`, or the
 * repository's generated supergraph.graphql) loaded from SUPERGRAPH_PATH instead of composing
 * at start, and reloaded when the file changes.
 */

/** The subgraphs a supergraph routes to: its `join__Graph` enum values' @join__graph(name, url). */
export function subgraphsOfSupergraph(supergraphSdl: string): { name: string; url: string }[] {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs = document.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph');
  if (!graphs || graphs.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error('not a supergraph: it has no join__Graph enum');
  const text = (value: ConstValueNode | undefined) => (value?.kind === Kind.STRING ? value.value : undefined);
  return (graphs.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => text(directive?.arguments?.find((a) => a.name.value === name)?.value);
    const name = arg('name');
    const url = arg('url');
    if (!name || !url) throw new Error(`supergraph graph ${value.name.value} has no @join__graph(name, url)`);
    return { name, url };
  });
}

export interface SupergraphFile {
  /** The file's supergraph at start (read once, before the gateway is built). */
  supergraphSdl: string;
  subgraphs: { name: string; url: string }[];
  /** For ApolloGateway's `supergraphSdl`: serves the file, then every valid change to it. */
  hook: SupergraphSdlHook;
}

/**
 * Loads SUPERGRAPH_PATH. A change to the file (written in place, or replaced by a rename as
 * deploy tools and editors do) is read after a short quiet period and handed to the gateway,
 * which validates it: a supergraph that does not load is logged and the running one stays.
 */
export async function loadSupergraphFile(file: string, logger: Logger, debounceMs = 200): Promise<SupergraphFile> {
  const absolute = path.resolve(file);
  const initial = await readFile(absolute, 'utf8');
  const subgraphs = subgraphsOfSupergraph(initial);
  const hook: SupergraphSdlHook = async ({ update }) => {
    let current = initial;
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      let next: string;
      try {
        next = await readFile(absolute, 'utf8');
      } catch (err) {
        // Between a deploy tool's unlink and rename; the rename's event reloads it.
        logger.warn({ err, file: absolute }, 'supergraph file unreadable; the running supergraph stays');
        return;
      }
      if (next === current) return;
      try {
        subgraphsOfSupergraph(next);
        update(next);
        current = next;
        logger.info({ file: absolute }, 'supergraph reloaded');
      } catch (err) {
        logger.error({ err, file: absolute }, 'supergraph file changed but does not load; the running supergraph stays');
      }
    };
    // The directory, not the file: a rename onto the path replaces the inode a file watch holds.
    const watcher: FSWatcher = watch(path.dirname(absolute), (_event, name) => {
      if (name !== null && name !== path.basename(absolute)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    watcher.on('error', (err) => logger.error({ err, file: absolute }, 'supergraph file watch failed; changes are no longer loaded'));
    return {
      supergraphSdl: initial,
      async cleanup() {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
  return { supergraphSdl: initial, subgraphs, hook };
}
