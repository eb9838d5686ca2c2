import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { execute, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { buildSubscriptionSchema } from './schema.js';

/**
 * Apollo Gateway's schema has no `Subscription` type: subscriptions are served by the gateway's own
 * graphql-ws server. Introspection over HTTP answers from the schema that server runs (the API
 * schema plus `Subscription`), so Apollo Sandbox, client code generators and contract checks see
 * the whole public API. Only operations made of introspection fields alone are answered here;
 * with introspection off (production) Apollo's validation refuses them before this runs.
 */
export interface IntrospectionWithSubscriptions {
  plugin: ApolloServerPlugin<BaseContext>;
  /** Called with every API schema the gateway loads. */
  update(apiSchema: GraphQLSchema): void;
}

const onlyIntrospection = (operation: OperationDefinitionNode) =>
  operation.operation === 'query' &&
  operation.selectionSet.selections.length > 0 &&
  operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'));

export function introspectionWithSubscriptions(): IntrospectionWithSubscriptions {
  let schema: GraphQLSchema | null = null;
  return {
    update(apiSchema) {
      schema = buildSubscriptionSchema(apiSchema).schema;
    },
    plugin: {
      async requestDidStart() {
        return {
          async responseForOperation({ document, operation, request }) {
            if (!schema || !onlyIntrospection(operation)) return null;
            const result = await execute({ schema, document, variableValues: request.variables, operationName: request.operationName });
            const singleResult = { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) };
            return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult } };
          },
        };
      },
    },
  };
}
