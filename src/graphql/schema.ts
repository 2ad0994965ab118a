import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchema, getMetadataStorage } from 'type-graphql';
import { RESOLVERS } from '../modules/resolvers';
import { authChecker } from './auth-checker';
import { DateTimeScalar } from './scalars';
import { describeAccessRules } from './access-rules';

let built: Promise<GraphQLSchema> | undefined;

const VALIDATION: ValidatorOptions = {
  forbidUnknownValues: false,
  stopAtFirstError: false,
  skipMissingProperties: true,
};

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Validates an argument as type-graphql would, with class-validator imported once: its built-in
 * path imports the module anew for every argument of every call, which live subscriptions pay
 * for each delivered event.
 */
async function validateArgument(value: unknown): Promise<void> {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value))
      await Promise.all(value.filter(isObject).map((item) => validateOrReject(item, VALIDATION)));
    else await validateOrReject(value, VALIDATION);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

const ROOT_DESCRIPTIONS = {
  query: 'Reads: every list is a Relay connection; every object has a global ID (`node`).',
  mutation:
    'Changes: each takes one `input` and returns a payload with what it changed and `userErrors`.',
  subscription:
    'Live events over WebSocket (graphql-transport-ws), resumable with `after: <cursor>`.',
} as const;

/** type-graphql cannot describe the root types; the contract wants every type described. */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const describe = (type: GraphQLObjectType | null | undefined, description: string) =>
    type ? new GraphQLObjectType({ ...type.toConfig(), description }) : undefined;
  const config = schema.toConfig();
  const roots = {
    query: describe(config.query, ROOT_DESCRIPTIONS.query),
    mutation: describe(config.mutation, ROOT_DESCRIPTIONS.mutation),
    subscription: describe(config.subscription, ROOT_DESCRIPTIONS.subscription),
  };
  const rootNames = new Set([config.query?.name, config.mutation?.name, config.subscription?.name]);
  return new GraphQLSchema({
    ...config,
    ...roots,
    types: config.types.filter((type) => !rootNames.has(type.name)),
  });
}

/**
 * type-graphql gives every field a resolver that builds its middleware chain, even a plain
 * property with no roles, no middleware and no field resolver; graphql-js's default resolver
 * reads the same property without that cost (a page of 50 tickets has about a thousand such
 * fields). Fields with roles, middleware, a resolver method or a renamed property keep theirs.
 */
function readPlainPropertiesDirectly(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = type.getFields();
    for (const field of objectType.fields ?? []) {
      const plain =
        !field.roles?.length &&
        !field.middlewares?.length &&
        field.name === field.schemaName &&
        !storage.fieldResolvers.some(
          (resolver) =>
            resolver.getObjectType?.() === field.target && resolver.methodName === field.name,
        );
      const graphqlField = fields[field.schemaName];
      if (plain && graphqlField) graphqlField.resolve = undefined;
    }
  }
  return schema;
}

/** The executable schema, built once per process from the decorated classes. */
export function backdeskSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validateFn: validateArgument,
    emitSchemaFile: false,
    // Subscriptions read the event log through their own `subscribe` functions (see
    // src/events/live-feed.ts); type-graphql's topic-based pub/sub is deliberately unused.
    pubSub: {
      publish: () => {
        throw new Error('Publish events by recording them in the event log, not through a PubSub');
      },
      subscribe: () => {
        throw new Error('Subscriptions read the event log; topic subscriptions are not used');
      },
    },
  })
    .then(describeRootTypes)
    .then(describeAccessRules)
    .then(readPlainPropertiesDirectly);
  return built;
}

/** The SDL committed as `schema/schema.graphql`: sorted, so it diffs cleanly. */
export function printBackdeskSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
