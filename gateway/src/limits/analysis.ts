import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

// The gateway's schema can come from graphql's CommonJS build while this module loads the ESM
// one, and then graphql's instanceof-based predicates throw: types are inspected by shape.
type Wrapped = { ofType?: unknown };
interface CompositeLike {
  name: string;
  getFields?: () => Record<string, GraphQLField<unknown, unknown>>;
}

function namedTypeOf(type: GraphQLOutputType): CompositeLike {
  let current: unknown = type;
  while ((current as Wrapped).ofType) current = (current as Wrapped).ofType;
  return current as CompositeLike;
}

/** `[T]`, `[T]!`: a list once a non-null wrapper is taken off. */
const isList = (type: GraphQLOutputType) => String(type).replace(/!$/, '').startsWith('[');

/** Object and interface types (fields and interfaces) or unions (member types); not input objects. */
const isComposite = (type: unknown): type is CompositeLike =>
  typeof type === 'object' && type !== null && (('getFields' in type && 'getInterfaces' in type) || 'getTypes' in type);

/** List fields without a `first` argument are assumed to return this many items. */
export const DEFAULT_LIST_SIZE = 10;

/** Tokens of a query text as graphql's own lexer sees them; stops early once past `stopAfter`. */
export function countTokens(query: string, stopAfter = Number.POSITIVE_INFINITY): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  // Comments are skipped by the lexer, as by parse(): they cost the server nothing to execute.
  while (lexer.advance().kind !== TokenKind.EOF) {
    count += 1;
    if (count > stopAfter) break;
  }
  return count;
}

/** Aliased fields anywhere in the document: aliases are how one request repeats a costly field. */
export function countAliases(document: DocumentNode): number {
  let count = 0;
  visit(document, {
    Field(node) {
      if (node.alias) count += 1;
    },
  });
  return count;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/** The operation the request runs: the named one, or the only one. */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

// Introspection (`__schema`, `__type`, `__typename`) is governed by the INTROSPECTION switch;
// the standard introspection query is deeper than any real operation and must keep working.
const isIntrospection = (field: FieldNode) => field.name.value.startsWith('__');

/** Deepest field nesting of an operation, through fragments (a top-level field is depth 1). */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const walk = (set: SelectionSetNode, seen: ReadonlySet<string>): number => {
    let max = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isIntrospection(selection)) continue;
        max = Math.max(max, 1 + (selection.selectionSet ? walk(selection.selectionSet, seen) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, walk(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Cycles are a validation error already; the guard keeps this function total anyway.
        if (fragment && !seen.has(name)) max = Math.max(max, walk(fragment.selectionSet, new Set([...seen, name])));
      }
    }
    return max;
  };
  return walk(operation.selectionSet, new Set());
}

/**
 * Estimated cost of an operation: every field costs 1 per time it can be resolved. A field with
 * a `first` argument multiplies its selection by it (its schema default when omitted); any
 * other list field by DEFAULT_LIST_SIZE. Nesting multiplies. The list directly inside a paged
 * field (a connection's `edges`) is that page, not another multiplier.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_LIST_SIZE,
): number {
  const fragments = fragmentsOf(document);
  const root: unknown = schema.getRootType(operation.operation);
  if (!isComposite(root)) return 0;

  const pageSize = (field: FieldNode, def: GraphQLField<unknown, unknown> | undefined): number | undefined => {
    const argDef = def?.args.find((a) => a.name === 'first');
    if (!argDef) return undefined;
    const argNode = field.arguments?.find((a) => a.name.value === 'first');
    const value = argNode ? valueFromASTUntyped(argNode.value, variables) : argDef.defaultValue;
    return typeof value === 'number' && value >= 0 ? value : defaultListSize;
  };

  const walk = (set: SelectionSetNode, parent: CompositeLike, multiplier: number, paged: boolean, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isIntrospection(selection)) continue;
        total += multiplier;
        if (!selection.selectionSet) continue;
        const def = parent.getFields?.()[selection.name.value];
        const child = def ? namedTypeOf(def.type) : undefined;
        if (!def || !isComposite(child)) continue;
        const first = pageSize(selection, def);
        const list = isList(def.type);
        const factor = first ?? (list && !paged ? defaultListSize : 1);
        total += walk(selection.selectionSet, child, multiplier * factor, first !== undefined, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type: unknown = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isComposite(type)) total += walk(selection.selectionSet, type, multiplier, paged, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const type: unknown = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
        if (fragment && isComposite(type) && !seen.has(name)) {
          total += walk(fragment.selectionSet, type, multiplier, paged, new Set([...seen, name]));
        }
      }
    }
    return total;
  };
  return walk(operation.selectionSet, root, 1, false, new Set());
}

/** The top-level fields of an operation with their arguments, variables substituted. */
export function rootFields(operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): { name: string; args: Record<string, unknown> }[] {
  return operation.selectionSet.selections
    .filter((s): s is FieldNode => s.kind === Kind.FIELD)
    .map((field) => ({
      name: field.name.value,
      args: Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)])),
    }));
}
