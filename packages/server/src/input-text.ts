import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

// C0 control characters but tab, LF and CR: PostgreSQL refuses NUL in text, and none of them
// belongs in a description, a name or a key. Also half a surrogate pair, which is no character
// at all: JSON keeps it as "\ud800", and PostgreSQL's jsonb (the outbox) refuses that escape.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;


/** How to walk a value of a type: its items, its input fields, or a leaf (scalar, enum). */
interface Shape {
  item?: unknown;
  fields?: Record<string, { type: unknown }>;
  leaf: boolean;
}

function shapeOf(type: unknown): Shape {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return { item: inner.ofType, leaf: false };
  if (isInputObjectType(inner)) return { fields: inner.getFields(), leaf: false };
  // Without a type (an unknown argument) object keys still name what they hold.
  return { leaf: type !== undefined };
}

/** A value to check, with its input type (when known) and the field or argument it belongs to. */
type Item = { ast: ValueNode; type: unknown; field: string } | { json: unknown; type: unknown; field: string };

function rejection(field: string): GraphQLError {
  return new GraphQLError(`${field} must be text without control characters (tab, line feed and carriage return are allowed)`, {
    extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
  });
}

/**
 * Checks every string of the operation's arguments (inline literals and variables, nested
 * input objects and lists) and throws BAD_USER_INPUT naming the input field or argument.
 * Each fragment and variable is walked once, so the cost is bounded by the request's size.
 */
export function checkOperationText(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): void {
  checkItems(argumentsOf(schema, document, operation), { values: variables, seen: new Set() });
}

/** A selection set still to walk, with the type its fields belong to (when known). */
type Pending = { set: SelectionSetNode; parent: GraphQLNamedType | null | undefined };

interface SelectionWalk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  seenFragments: Set<string>;
  items: Item[];
}

/** Every argument value of the operation: variable defaults, directives and fields, each fragment once. */
function argumentsOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Item[] {
  const items: Item[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) items.push({ ast: definition.defaultValue, type: undefined, field: definition.variable.name.value });
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
  }
  const walk: SelectionWalk = { schema, fragments, seenFragments: new Set(), items };
  const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[operation.operation];
  const sets: Pending[] = [{ set: operation.selectionSet, parent: root }];
  pushDirectiveArguments(items, operation.directives);
  while (sets.length > 0) {
    const { set, parent } = sets.pop()!;
    for (const selection of set.selections) sets.push(...visitSelection(walk, selection, parent));
  }
  return items;
}

function pushDirectiveArguments(items: Item[], nodes: readonly DirectiveNode[] | undefined): void {
  for (const directive of nodes ?? []) {
    for (const arg of directive.arguments ?? []) items.push({ ast: arg.value, type: undefined, field: arg.name.value });
  }
}

/** Takes a selection's arguments and returns the selection sets under it. */
function visitSelection(walk: SelectionWalk, selection: SelectionNode, parent: Pending['parent']): Pending[] {
  pushDirectiveArguments(walk.items, selection.directives);
  if (selection.kind === 'Field') {
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
    for (const arg of selection.arguments ?? []) {
      const type = definition?.args?.find((a) => a.name === arg.name.value)?.type;
      walk.items.push({ ast: arg.value, type, field: arg.name.value });
    }
    return selection.selectionSet ? [{ set: selection.selectionSet, parent: definition ? getNamedType(definition.type) : undefined }] : [];
  }
  if (selection.kind === 'InlineFragment') {
    const parentType = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
    return [{ set: selection.selectionSet, parent: parentType }];
  }
  if (walk.seenFragments.has(selection.name.value)) return [];
  walk.seenFragments.add(selection.name.value);
  const fragment = walk.fragments.get(selection.name.value);
  if (!fragment) return [];
  pushDirectiveArguments(walk.items, fragment.directives);
  return [{ set: fragment.selectionSet, parent: walk.schema.getType(fragment.typeCondition.name.value) }];
}

/** The request's variables; each is walked once, however many arguments use it. */
interface Variables {
  values: Record<string, unknown>;
  seen: Set<string>;
}

function checkItems(items: Item[], variables: Variables): void {
  // An explicit stack: deeply nested input must not overflow the call stack.
  const shapes = new Map<unknown, Shape>();
  while (items.length > 0) {
    const item = items.pop()!;
    // Strings and other leaves first: most of a request, and they need no type.
    if (isLeaf(item)) continue;
    let shape = shapes.get(item.type);
    if (!shape) shapes.set(item.type, (shape = shapeOf(item.type)));
    pushChildren(items, item, shape, variables);
  }
}

/** True when the item holds nothing to walk; throws when it is a string with a control character. */
function isLeaf(item: Item): boolean {
  if ('json' in item) {
    const value = item.json;
    if (typeof value === 'string') {
      if (CONTROL.test(value)) throw rejection(item.field);
      return true;
    }
    return value === null || typeof value !== 'object';
  }
  if (item.ast.kind !== 'StringValue') return false;
  if (CONTROL.test(item.ast.value)) throw rejection(item.field);
  return true;
}

function pushChildren(items: Item[], item: Item, shape: Shape, variables: Variables): void {
  const isList = 'ast' in item ? item.ast.kind === 'ListValue' : Array.isArray(item.json);
  if (shape.item !== undefined && !isList) {
    // A single value may stand for a list of one: it is an item.
    items.push({ ...item, type: shape.item });
    return;
  }
  const { type, field } = item;
  // Inside a scalar (a JSON value, an entity representation) keys are no input fields.
  const itemType = shape.item ?? (shape.leaf ? type : undefined);
  const member = (key: string) => (shape.leaf ? { type, field } : { type: shape.fields?.[key]?.type, field: key });
  if ('json' in item) {
    if (Array.isArray(item.json)) for (const element of item.json) items.push({ json: element, type: itemType, field });
    else for (const [key, v] of Object.entries(item.json as object)) items.push({ json: v, ...member(key) });
    return;
  }
  const node = item.ast;
  if (node.kind === 'ListValue') {
    for (const value of node.values) items.push({ ast: value, type: itemType, field });
  } else if (node.kind === 'ObjectValue') {
    for (const f of node.fields) items.push({ ast: f.value, ...member(f.name.value) });
  } else if (node.kind === 'Variable' && !variables.seen.has(node.name.value)) {
    variables.seen.add(node.name.value);
    items.push({ json: variables.values[node.name.value], type, field });
  }
}

/**
 * Refuses operations whose arguments carry NUL or another C0 control character, before any
 * resolver runs: BAD_USER_INPUT with `extensions.field`, never a database error.
 */
export function inputTextPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) checkOperationText(schema, document, operation, request.variables ?? {});
        },
      };
    },
  };
}
