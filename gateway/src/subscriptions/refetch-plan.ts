import {
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  OperationTypeNode,
  print,
  visit,
  type ASTNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type NameNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { SubscriptionField, SubscriptionSchema } from './schema.js';

/** How one subscription turns each event into a query by id, prepared once per subscription. */
export interface RefetchPlan {
  field: SubscriptionField;
  /** Where the client reads the object: its alias, else the field name. */
  responseKey: string;
  /** The client's selection under the refetch query field, aliased to responseKey. */
  query: string;
  /** The client's variables that the query uses; the event id is added per event. */
  variables: Record<string, unknown>;
  idVariable: string;
  /** For a field with a filter argument (importProgress): the id an event must carry. */
  filterId?: string;
  /**
   * The query that loads `count` objects at once: root field `r<i>` reads the object whose id is
   * variable `<idVariable>_<i>`, each with the same selection (one gateway call, one fetch per subgraph).
   */
  batchQuery(count: number): BatchQuery;
  /** Most objects one refetch query may load: what the batching limits allow this selection. */
  maxBatch: number;
}

/** How large a batch may grow: at most `max` objects, and only while the query `fits` (the query limits). */
export interface BatchLimits {
  max: number;
  fits(batch: BatchQuery, variables: Record<string, unknown>): boolean;
}

export interface BatchQuery {
  query: string;
  /** Per object, in order: its root response key and its id variable. */
  aliases: readonly string[];
  idVariables: readonly string[];
}

/** Root response key of the i-th object of a batch query. */
export const batchAlias = (index: number): string => `r${index}`;

const name = (value: string): NameNode => ({ kind: Kind.NAME, value });
const isFragment = (d: DefinitionNode): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION;

/**
 * Plans the refetch of a validated subscription operation, e.g.
 * `subscription { tc: transactionCategorized { amount { amount } } }` →
 * `query ($eventId: ID!) { tc: transaction(id: $eventId) { amount { amount } } }`,
 * keeping the fragments and variables the selection uses. Errors are the client's.
 */
export function planRefetch(
  sub: SubscriptionSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | null | undefined,
  limits: BatchLimits,
): RefetchPlan | { errors: readonly GraphQLError[] } {
  const fragments = new Map(document.definitions.filter(isFragment).map((f) => [f.name.value, f]));
  const root = subscribedField(sub, operation, fragments, rawVariables);
  if ('errors' in root) return root;
  const { field, responseKey, selectionSet, args } = root;
  const idVariable = freshVariableName(operation);
  const used = usedFragments(selectionSet, fragments);
  const usedVariables = variablesIn([selectionSet, ...used]);
  const query = refetchQuery({ operation, queryField: field.queryField, responseKey, selectionSet, idVariable, usedVariables });
  const variables = Object.fromEntries(
    Object.entries(rawVariables ?? {}).filter(([key]) => usedVariables.has(key) && key !== idVariable),
  );
  const filterValue = field.filterArg ? args[field.filterArg] : undefined;
  const batches = new Map<number, BatchQuery>();
  const plan: RefetchPlan = {
    field,
    responseKey,
    query: print({ kind: Kind.DOCUMENT, definitions: [query, ...used] }),
    variables,
    idVariable,
    ...(filterValue === undefined ? {} : { filterId: String(filterValue) }),
    batchQuery(count) {
      let batch = batches.get(count);
      if (!batch) {
        const aliases = Array.from({ length: count }, (_, i) => batchAlias(i));
        const idVariables = aliases.map((_, i) => `${idVariable}_${i}`);
        const parts = { operation, queryField: field.queryField, selectionSet, usedVariables };
        const definition = byIdQuery(parts, aliases, idVariables);
        batch = { query: print({ kind: Kind.DOCUMENT, definitions: [definition, ...used] }), aliases, idVariables };
        // A batch has at most SUBSCRIPTION_BATCH_SIZE objects: the cache stays that small.
        batches.set(count, batch);
      }
      return batch;
    },
    maxBatch: 1,
  };
  plan.maxBatch = largestBatch(plan, limits);
  return plan;
}

/**
 * The most objects one refetch query may load: a batch is a query any client could send, within
 * the limits of one operation (aliases, cost, tokens), so the subgraphs admit it too. Each of
 * those grows with the number of objects, so a binary search finds the bound.
 */
function largestBatch(plan: RefetchPlan, { max, fits }: BatchLimits): number {
  const fitsCount = (count: number) => {
    const batch = plan.batchQuery(count);
    const ids = Object.fromEntries(batch.idVariables.map((name) => [name, '00000000-0000-0000-0000-000000000000']));
    return fits(batch, { ...plan.variables, ...ids });
  };
  let low = 1;
  let high = Math.max(1, max);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fitsCount(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

interface SubscribedField {
  field: SubscriptionField;
  responseKey: string;
  /** The selections under the field, merged from every node of its response key. */
  selectionSet: SelectionSetNode;
  args: Record<string, unknown>;
}

/** The one field the operation subscribes to, its arguments and its selection. */
function subscribedField(
  sub: SubscriptionSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  rawVariables: Record<string, unknown> | null | undefined,
): SubscribedField | { errors: readonly GraphQLError[] } {
  const coerced = getVariableValues(sub.schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return { errors: coerced.errors };
  const rootFields = collectFields(operation.selectionSet, fragments, coerced.coerced);
  const first = rootFields[0];
  if (!first) return { errors: [new GraphQLError('The subscription selects no field')] };
  const field = sub.fields.find((f) => f.name === first.name.value);
  const fieldDef = sub.schema.getSubscriptionType()?.getFields()[first.name.value];
  if (!field || !fieldDef) return { errors: [new GraphQLError(`Cannot subscribe to "${first.name.value}"`, { nodes: first })] };
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(fieldDef, first, coerced.coerced);
  } catch (error) {
    return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
  }
  const responseKey = first.alias?.value ?? first.name.value;
  // Validation allows one response key; several nodes of it (through fragments) merge.
  const selections = rootFields
    .filter((f) => (f.alias?.value ?? f.name.value) === responseKey)
    .flatMap((f) => f.selectionSet?.selections ?? []);
  return { field, responseKey, selectionSet: { kind: Kind.SELECTION_SET, selections }, args };
}

/**
 * `eventId`, or `eventId1`, `eventId2`... when the operation declares it already, or a variable
 * named like the batch query's `eventId_<i>`.
 */
function freshVariableName(operation: OperationDefinitionNode): string {
  const declared = (operation.variableDefinitions ?? []).map((d) => d.variable.name.value);
  const taken = (candidate: string) => declared.some((d) => d === candidate || d.startsWith(`${candidate}_`));
  let idVariable = 'eventId';
  for (let i = 1; taken(idVariable); i++) idVariable = `eventId${i}`;
  return idVariable;
}

interface RefetchQueryParts {
  operation: OperationDefinitionNode;
  queryField: string;
  responseKey: string;
  selectionSet: SelectionSetNode;
  idVariable: string;
  usedVariables: Set<string>;
}

/** `query <name>($used..., $eventId: ID!) { <responseKey>: <queryField>(id: $eventId) { ... } }` */
function refetchQuery({ responseKey, idVariable, ...parts }: RefetchQueryParts): OperationDefinitionNode {
  return byIdQuery(parts, [responseKey], [idVariable]);
}

/** `query <name>($used..., $a: ID!, $b: ID!) { <key a>: <queryField>(id: $a) { ... } <key b>: ... }` */
function byIdQuery(
  { operation, queryField, selectionSet, usedVariables }: Omit<RefetchQueryParts, 'responseKey' | 'idVariable'>,
  responseKeys: readonly string[],
  idVariables: readonly string[],
): OperationDefinitionNode {
  const fields = responseKeys.map(
    (responseKey, i): FieldNode => ({
      kind: Kind.FIELD,
      alias: responseKey === queryField ? undefined : name(responseKey),
      name: name(queryField),
      arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: { kind: Kind.VARIABLE, name: name(idVariables[i]!) } }],
      directives: [],
      selectionSet,
    }),
  );
  return {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: operation.name,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []).filter((d) => usedVariables.has(d.variable.name.value)),
      ...idVariables.map((idVariable) => ({
        kind: Kind.VARIABLE_DEFINITION as const,
        variable: { kind: Kind.VARIABLE as const, name: name(idVariable) },
        type: { kind: Kind.NON_NULL_TYPE as const, type: { kind: Kind.NAMED_TYPE as const, name: name('ID') } },
        directives: [],
      })),
    ],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
}

/** The root fields a subscription selects, through fragments, honouring @skip and @include. */
function collectFields(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const selection of set.selections) {
    if (!included(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, fragments, variables, out, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectFields(fragment.selectionSet, fragments, variables, out, seen);
    }
  }
  return out;
}

function included(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** The fragment definitions a selection uses, directly or through other fragments. */
function usedFragments(root: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        walk(fragment);
      },
    });
  walk(root);
  return [...used.values()];
}

function variablesIn(nodes: ASTNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  }
  return names;
}
