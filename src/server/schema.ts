import 'reflect-metadata';
import {
  GraphQLObjectType,
  GraphQLSchema,
  isInterfaceType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { LRUCache } from 'lru-cache';
import {
  ArgumentValidationError,
  buildSchema,
  getMetadataStorage,
  type MiddlewareFn,
} from 'type-graphql';
import { RESOLVERS } from '../modules/resolvers';
import { authChecker } from '../graphql/auth-checker';
import { DateTimeScalar } from '../graphql/scalars';
import { describeAccessRules } from '../graphql/access-rules';
import type { RequestContext } from '../modules/context';
import { answerStartedFields } from '../read/look-ahead';
import { auditMutations } from './audit-mutations';

let built: Promise<GraphQLSchema> | undefined;

/**
 * type-graphql middlewares for every field: none. With any, every field keeps type-graphql's
 * resolver, which runs them: no property is read without one (`readPlainPropertiesDirectly`,
 * which graphql-jit then reads inline) and no method is called past them
 * (`callFieldResolversDirectly`). test/compiled-schema.test.ts holds the schema to that.
 */
export const GLOBAL_MIDDLEWARES: readonly MiddlewareFn<RequestContext>[] = [];

const VALIDATION: ValidatorOptions = {
  forbidUnknownValues: false,
  stopAtFirstError: false,
  skipMissingProperties: true,
};

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Argument values that passed validation, per input class, by their JSON (short ones only).
 * Our constraints are class-validator's built-in ones, which depend on the value alone, so a
 * value that passed once passes again; class-validator itself looks every constraint up anew on
 * each call, which shows in the server's CPU on a customer 360 (its pages' `first` and filter;
 * bench/README.md).
 */
const validValues = new Map<unknown, LRUCache<string, true>>();
const MAX_CACHED_VALUE_LENGTH = 256;
const MAX_CACHED_VALUES_PER_CLASS = 1000;

function cacheKeyOf(value: object): string | undefined {
  try {
    const json = JSON.stringify(value);
    return json.length <= MAX_CACHED_VALUE_LENGTH ? json : undefined;
  } catch {
    return undefined; // A value JSON cannot hold (a bigint) is validated each time.
  }
}

async function validateOnce(value: object): Promise<void> {
  const key = cacheKeyOf(value);
  let known = validValues.get(value.constructor);
  if (key !== undefined && known?.has(key)) return;
  await validateOrReject(value, VALIDATION);
  if (key === undefined) return;
  if (!known) {
    known = new LRUCache({ max: MAX_CACHED_VALUES_PER_CLASS });
    validValues.set(value.constructor, known);
  }
  known.set(key, true);
}

/**
 * Validates an argument as type-graphql would, with class-validator imported once: its built-in
 * path imports the module anew for every argument of every call, which live subscriptions pay
 * for each delivered event.
 */
async function validateArgument(value: unknown): Promise<void> {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map(validateOnce));
    else await validateOnce(value);
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
 * fields). Fields with an auth rule (`@Authorized()` too), middleware, a resolver method or a
 * renamed property keep theirs.
 */
function readPlainPropertiesDirectly(schema: GraphQLSchema): GraphQLSchema {
  if (GLOBAL_MIDDLEWARES.length > 0) return schema;
  const storage = getMetadataStorage();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = type.getFields();
    for (const field of objectType.fields ?? []) {
      const plain =
        field.roles === undefined &&
        !field.middlewares?.length &&
        field.name === field.schemaName &&
        !storage.fieldResolvers.some(
          (resolver) =>
            resolver.getObjectType?.() === field.target && resolver.methodName === field.name,
        );
      const graphqlField = fields[field.schemaName];
      if (!plain || !graphqlField) continue;
      // graphql-jit reads a field without a resolver as a plain value and never awaits it. A
      // property declared as a promise (a connection's lazy `totalCount`) or as `unknown` (a
      // row's customer, loaded by a DataLoader) may hold one, so it keeps a resolver.
      const declared: unknown = Reflect.getMetadata(
        'design:type',
        field.target.prototype,
        field.name,
      );
      const name = field.name;
      graphqlField.resolve =
        declared === Promise || declared === Object
          ? (source: Record<string, unknown>) => source[name]
          : undefined;
    }
  }
  return schema;
}

type FieldResolverMetadata = ReturnType<typeof getMetadataStorage>['fieldResolvers'][number];
type ParamMetadata = NonNullable<FieldResolverMetadata['params']>[number];
type ResolverInstance = Record<string, (...args: unknown[]) => unknown>;

/** A parameter read straight from what graphql-js passes a resolver, with nothing to convert. */
function directParam(
  param: ParamMetadata,
): ((root: unknown, context: unknown, info: unknown) => unknown) | undefined {
  switch (param.kind) {
    case 'root': {
      // type-graphql copies a parent into an instance of a declared class; `Row<T>` roots
      // (reflected as Object) are passed as they are.
      const declared = param.getType?.();
      if (declared !== undefined && declared !== Object) return undefined;
      const property = param.propertyName;
      return property ? (root) => (root as Record<string, unknown>)[property] : (root) => root;
    }
    case 'context': {
      const property = param.propertyName;
      return property
        ? (_root, context) => (context as Record<string, unknown>)[property]
        : (_root, context) => context;
    }
    case 'info':
      return (_root, _context, info) => info;
    default:
      return undefined;
  }
}

/**
 * type-graphql calls a field resolver method through a wrapper that, for every field of every
 * row, looks its resolver instance up, sorts and maps its parameter list and runs the middleware
 * chain. A method with no roles and no middleware that takes only its parent, the context and
 * the resolve info is called directly instead: the `id` of every node, money, relations read
 * through loaders. Methods with roles or arguments keep type-graphql's wrapper, which checks
 * the roles and validates the arguments.
 */
function callFieldResolversDirectly(schema: GraphQLSchema): GraphQLSchema {
  if (GLOBAL_MIDDLEWARES.length > 0) return schema;
  const storage = getMetadataStorage();
  // Resolver classes hold no state (they reach everything through the context), so one
  // instance per class serves as well as type-graphql's.
  const instances = new Map<object, ResolverInstance>();
  for (const resolver of storage.fieldResolvers) {
    if (resolver.kind !== 'external' || resolver.roles !== undefined) continue;
    if (resolver.middlewares?.length) continue;
    const objectClass = resolver.getObjectType?.();
    const objectType = storage.objectTypes.find((type) => type.target === objectClass);
    const type = objectType && schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    const field = type.getFields()[resolver.schemaName];
    const readers = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index).map(directParam);
    if (!field || readers.includes(undefined)) continue;
    const read = readers as NonNullable<(typeof readers)[number]>[];
    let instance = instances.get(resolver.target);
    if (!instance) {
      instance = new (resolver.target as new () => ResolverInstance)();
      instances.set(resolver.target, instance);
    }
    const target = instance;
    const method = target[resolver.methodName];
    field.resolve = (root, _args, context, info) =>
      method.apply(
        target,
        read.map((param) => param(root, context, info)),
      );
  }
  return schema;
}

/**
 * type-graphql wraps every declared `resolveType` in an async function, but graphql-jit (see
 * src/server/compiled-execution.ts) takes the type an abstract value resolves to as it is
 * returned, not awaited. Ours name the type synchronously, so they are used unwrapped.
 */
function resolveTypesSynchronously(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  for (const declared of [...storage.interfaceTypes, ...storage.unions]) {
    const type = schema.getType(declared.name);
    const resolveType = declared.resolveType;
    if (!resolveType || !(isInterfaceType(type) || isUnionType(type))) continue;
    type.resolveType = (value, context, info, abstractType) => {
      const name: unknown = resolveType(value, context, info, abstractType);
      if (name === undefined || typeof name === 'string') return name;
      throw new Error(`resolveType of ${declared.name} must return a type name synchronously`);
    };
  }
  return schema;
}

/** The executable schema, built once per process from the decorated classes. */
export function backdeskSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    globalMiddlewares: [...GLOBAL_MIDDLEWARES],
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
    .then(readPlainPropertiesDirectly)
    .then(callFieldResolversDirectly)
    .then(answerStartedFields)
    .then(resolveTypesSynchronously)
    .then(auditMutations);
  return built;
}

/** The SDL committed as `schema/schema.graphql`: sorted, so it diffs cleanly. */
export function printBackdeskSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
