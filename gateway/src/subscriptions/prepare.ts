import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { checkOperation, checkQueryText, type QueryLimits } from '@centavo/server';
import type { OperationContext, Session } from './operation.js';
import { planRefetch } from './refetch-plan.js';
import type { SubscriptionSchema } from './schema.js';

type Refused = { errors: readonly GraphQLError[] };

const withCode = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });

/** A limit's error without its HTTP status, which means nothing on a socket. */
const overSocket = (error: GraphQLError) => {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
};

const badRequest = (message: string) => ({ errors: [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })] });

/**
 * A subscribe message as graphql-ws executes it, or the errors that refuse it. The limits of an
 * HTTP request hold here too: tokens and nesting before parse, the rest after validation.
 */
export function prepareOperation(
  limits: QueryLimits & { SUBSCRIPTION_BATCH_SIZE: number },
  current: SubscriptionSchema | undefined,
  session: Session,
  payload: SubscribePayload,
): ExecutionArgs | readonly GraphQLError[] {
  if (!current) return badRequest('Subscriptions are not available yet').errors;
  const document = parseValid(limits, current.schema, payload.query);
  if ('errors' in document) return document.errors;
  const operation = subscriptionOf(document, payload.operationName);
  if ('errors' in operation) return operation.errors;
  const tooMuch = checkOperation(limits, current.schema, document, operation, payload.variables ?? {});
  if (tooMuch) return [overSocket(tooMuch)];
  const plan = planRefetch(current, document, operation, payload.variables, {
    max: limits.SUBSCRIPTION_BATCH_SIZE,
    fits: (batch, variables) => fitsLimits(limits, current.schema, batch.query, variables),
  });
  if ('errors' in plan) return plan.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
  const contextValue: OperationContext = { session, plan };
  return { schema: current.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
}

/** Whether a query the gateway writes (a batch refetch) is within the limits a client's query must meet. */
function fitsLimits(limits: QueryLimits, schema: GraphQLSchema, query: string, variables: Record<string, unknown>): boolean {
  if (checkQueryText(limits, query)) return false;
  const document = parse(query, { maxTokens: limits.MAX_QUERY_TOKENS });
  const operation = getOperationAST(document);
  return operation ? checkOperation(limits, schema, document, operation, variables) === undefined : false;
}

/** The parsed document if it is within the text limits and valid against the schema. */
function parseValid(limits: QueryLimits, schema: GraphQLSchema, query: string): DocumentNode | Refused {
  const textError = checkQueryText(limits, query);
  if (textError) return { errors: [overSocket(textError)] };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.MAX_QUERY_TOKENS });
  } catch (error) {
    return { errors: [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, document);
  } catch (error) {
    // graphql 16's single-field rule throws on `@skip(if: $var)` at the root instead of reporting it.
    errors = [error instanceof GraphQLError ? error : new GraphQLError('Invalid subscription')];
  }
  return errors.length > 0 ? { errors: errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) } : document;
}

/** The operation to run, which must be a subscription: queries and mutations go over HTTP. */
function subscriptionOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | Refused {
  const operation = getOperationAST(document, operationName);
  if (!operation) return badRequest('Unable to identify operation');
  if (operation.operation !== 'subscription') {
    return badRequest('Only subscriptions are served over WebSocket; send queries and mutations over HTTP');
  }
  return operation;
}
