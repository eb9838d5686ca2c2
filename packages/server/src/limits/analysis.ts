import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
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
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
// Internal to graphql 16 but stable: the collection execution itself uses (fragments, @skip/@include).
// graphql 16 exports its field collection only from this module, not from the package root.
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';

/** List fields without a `first` argument are assumed to return this many items. */
export const DEFAULT_LIST_SIZE = 10;

export interface QueryScan {
  /** Tokens as graphql's lexer sees them (comments excluded), counted up to `stopAfter + 1`. */
  tokens: number;
  /** Deepest nesting of `{` (selection sets and input objects). */
  braceDepth: number;
  /** The lexer met a syntax error; parse() will report it. */
  invalid: boolean;
}

/**
 * One pass of graphql's own lexer over a query text, before any parse: it stops once past
 * `stopAfter` tokens or `stopAtDepth` nested braces, so a 900 KB document costs a few thousand tokens.
 */
export function scanQuery(query: string, stopAfter = Number.POSITIVE_INFINITY, stopAtDepth = Number.POSITIVE_INFINITY): QueryScan {
  const lexer = new Lexer(new Source(query));
  const scan: QueryScan = { tokens: 0, braceDepth: 0, invalid: false };
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      scan.tokens += 1;
      if (token.kind === TokenKind.BRACE_L) scan.braceDepth = Math.max(scan.braceDepth, ++depth);
      else if (token.kind === TokenKind.BRACE_R) depth -= 1;
      if (scan.tokens > stopAfter || scan.braceDepth > stopAtDepth) break;
    }
  } catch {
    scan.invalid = true;
  }
  return scan;
}

/** Tokens of a query text as graphql's own lexer sees them; stops early once past `stopAfter`. */
export const countTokens = (query: string, stopAfter = Number.POSITIVE_INFINITY): number => scanQuery(query, stopAfter).tokens;

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

/** The operation the request runs: the named one, or the only one. */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

const fragmentsOf = (document: DocumentNode): Record<string, FragmentDefinitionNode> =>
  Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );

/** The request's variables, with the operation's defaults for those it leaves out (as execution has them). */
const withDefaults = (operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> => {
  const values = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue) values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
};

const argumentsOf = (field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));

export interface RootField {
  name: string;
  /** Alias or name: each response key is one execution of the field. */
  responseKey: string;
  args: Record<string, unknown>;
}

/**
 * The root fields an operation executes, collected as graphql executes them: through named and
 * inline fragments, honouring @skip/@include, one entry per response key, variables substituted.
 */
export function rootFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> = {},
): RootField[] {
  const variables = withDefaults(operation, rawVariables);
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const collected = collectFields(schema, fragmentsOf(document), variables, root, operation.selectionSet);
  return [...collected].map(([responseKey, nodes]) => ({ responseKey, name: nodes[0]!.name.value, args: argumentsOf(nodes[0]!, variables) }));
}

export interface OperationMeasure {
  /** Deepest field nesting (a top-level field is depth 1); introspection fields are not counted. */
  depth: number;
  /** Estimated fields resolved; see measureOperation. */
  cost: number;
}

// Introspection (`__schema`, `__type`, `__typename`) is governed by the INTROSPECTION switch;
// the standard introspection query is deeper than any real operation and must keep working.
const isIntrospection = (name: string) => name.startsWith('__');

/**
 * Depth and cost of the operation as it would execute: fields are collected with graphql's own
 * collectFields (fragments, aliases, @skip/@include with the request's variables). A field of an
 * interface or union counts as its costliest possible type.
 *
 * Cost: every field costs 1 per time it can be resolved. A field with a `first` argument
 * multiplies its selection by it (its schema default when omitted); federation's `_entities` by
 * the number of representations; any other list by DEFAULT_LIST_SIZE. Nesting multiplies. The
 * list directly inside a paged field (a connection's `edges`) is that page, not another multiplier.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_LIST_SIZE,
): OperationMeasure {
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0 };
  const meter = new OperationMeter(schema, fragmentsOf(document), withDefaults(operation, rawVariables), defaultListSize);
  return meter.measureFields(root, collectFields(schema, meter.fragments, meter.variables, root, operation.selectionSet), false);
}

const ZERO: OperationMeasure = { depth: 0, cost: 0 };

/** One operation's walk for measureOperation, with what it has measured already. */
class OperationMeter {
  // The same fragment spread under many fields yields the same field nodes: measured once, so a
  // document that nests fragments cannot make this walk exponential.
  private readonly ids = new Map<FieldNode, number>();
  private readonly memo = new Map<string, OperationMeasure>();

  constructor(
    private readonly schema: GraphQLSchema,
    readonly fragments: Record<string, FragmentDefinitionNode>,
    readonly variables: Record<string, unknown>,
    private readonly defaultListSize: number,
  ) {}

  measureFields(type: GraphQLObjectType, fields: Map<string, readonly FieldNode[]>, paged: boolean): OperationMeasure {
    let depth = 0;
    let cost = 0;
    for (const nodes of fields.values()) {
      const first = nodes[0]!;
      if (isIntrospection(first.name.value)) continue;
      const def = type.getFields()[first.name.value];
      cost += 1;
      depth = Math.max(depth, 1);
      if (!def || !first.selectionSet) continue;
      const { factor, pages } = this.factorOf(def, first, paged);
      const child = this.measureSelection(getNamedType(def.type), nodes, pages);
      depth = Math.max(depth, 1 + child.depth);
      cost += factor * child.cost;
    }
    return { depth, cost };
  }

  /** How many times a field's selection can be resolved, and whether the field is a page. */
  private factorOf(field: GraphQLField<unknown, unknown>, node: FieldNode, paged: boolean): { factor: number; pages: boolean } {
    if (field.args.some((a) => a.name === 'first')) {
      const value = argumentsOf(node, this.variables).first ?? field.args.find((a) => a.name === 'first')?.defaultValue;
      return { factor: typeof value === 'number' && value >= 0 ? value : this.defaultListSize, pages: true };
    }
    const representations = field.name === '_entities' ? argumentsOf(node, this.variables).representations : undefined;
    if (Array.isArray(representations)) return { factor: representations.length, pages: false };
    return { factor: isListType(getNullableType(field.type)) && !paged ? this.defaultListSize : 1, pages: false };
  }

  private measureSelection(type: GraphQLNamedType, nodes: readonly FieldNode[], paged: boolean): OperationMeasure {
    const { schema } = this;
    const objects: readonly GraphQLObjectType[] = isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
    if (objects.length === 0) return ZERO;
    const key = `${type.name}${paged ? ':paged' : ''}:${nodes.map((node) => this.idOf(node)).join(',')}`;
    const known = this.memo.get(key);
    if (known) return known;
    // Marked before the walk: a fragment cycle (refused by validation anyway) ends here.
    this.memo.set(key, ZERO);
    let best = ZERO;
    for (const object of objects) {
      const measured = this.measureFields(object, collectSubfields(schema, this.fragments, this.variables, object, nodes), paged);
      best = { depth: Math.max(best.depth, measured.depth), cost: Math.max(best.cost, measured.cost) };
    }
    this.memo.set(key, best);
    return best;
  }

  private idOf(node: FieldNode): number {
    return this.ids.get(node) ?? (this.ids.set(node, this.ids.size + 1), this.ids.size);
  }
}

/** Deepest field nesting of an operation (see measureOperation). */
export const operationDepth = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}) =>
  measureOperation(schema, document, operation, variables).depth;

/** Estimated cost of an operation (see measureOperation). */
export const operationCost = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_LIST_SIZE,
) => measureOperation(schema, document, operation, variables, defaultListSize).cost;
