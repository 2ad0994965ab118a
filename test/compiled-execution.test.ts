import {
  buildSchema,
  execute,
  GraphQLError,
  isInterfaceType,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import * as jit from 'graphql-jit';
import { compiledExecution } from '../src/server/compiled-execution';

// Counts compilations; the real compiler does the work.
jest.mock('graphql-jit', () => {
  const actual = jest.requireActual<typeof jit>('graphql-jit');
  return { ...actual, compileQuery: jest.fn(actual.compileQuery) };
});
const compiling = jest.mocked(jit.compileQuery);

/**
 * Queries and mutations run compiled by graphql-jit from their second run on
 * (src/server/compiled-execution.ts). These run the same documents through graphql-js and
 * through the executor, three times, and expect the same answers: data, and errors with the same message, path, locations and extensions, as
 * graphql-js's own error objects (Apollo formats and masks them).
 */
const schema: GraphQLSchema = buildSchema(`
  interface Node { id: ID! }
  type Person implements Node { id: ID!, name: String!, friends: [Person!]!, secret: String }
  type Robot implements Node { id: ID!, model: String }
  type Query {
    node(id: ID!): Node
    people(first: Int = 2): [Person!]!
    strict: Person!
    count: Int
  }
`);

const people = [
  { id: '1', name: 'Ada' },
  { id: '2', name: 'Grace' },
  { id: '3', name: 'Edsger' },
];
const resolvers: Record<string, Record<string, unknown>> = {
  Query: {
    node: async (_: unknown, { id }: { id: string }) =>
      id.startsWith('r') ? { id, model: 'T-800' } : people.find((person) => person.id === id),
    people: (_: unknown, { first }: { first: number }) =>
      people.slice(0, first).map((person) => Promise.resolve(person)),
    strict: () => null,
    count: () => Promise.resolve(3),
  },
  Person: {
    friends: async (person: { id: string }) => people.filter((other) => other.id !== person.id),
    secret: () => {
      throw new GraphQLError('Not yours to read', { extensions: { code: 'FORBIDDEN' } });
    },
  },
};
for (const [typeName, fields] of Object.entries(resolvers)) {
  const type = schema.getType(typeName);
  if (!type || !('getFields' in type)) throw new Error(typeName);
  for (const [name, resolve] of Object.entries(fields))
    (type.getFields()[name] as { resolve?: unknown }).resolve = resolve;
}
const node = schema.getType('Node');
if (isInterfaceType(node))
  node.resolveType = (value: { model?: string }) => ('model' in value ? 'Robot' : 'Person');

const executorReady = compiledExecution(schema).load({ apollo: {} });

/** Runs a parsed document through an executor, as Apollo does (it reuses parsed documents). */
async function run(
  document: DocumentNode,
  variables: Record<string, unknown>,
  ready: typeof executorReady = executorReady,
) {
  const { executor } = await ready;
  if (!executor) throw new Error('no executor');
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === 'OperationDefinition',
  );
  // Only what the executor reads of Apollo's request context.
  const request = {
    document,
    operation,
    operationName: null,
    request: { variables },
    context: {},
  } as unknown as Parameters<typeof executor>[0];
  return executor(request);
}

/** What a client receives: the result as JSON, with each error as graphql-js formats it. */
function asSent(result: ExecutionResult) {
  return JSON.parse(JSON.stringify(result)) as unknown;
}

const cases: [string, string, Record<string, unknown>][] = [
  [
    'fields, aliases and a default argument',
    '{ people { id name } many: people(first: 3) { name } }',
    {},
  ],
  [
    'variables, @skip and @include, fragments',
    `query ($n: Int, $withFriends: Boolean!) {
       people(first: $n) { ...Who friends @include(if: $withFriends) { name } id @skip(if: $withFriends) }
     }
     fragment Who on Person { name }`,
    { n: 3, withFriends: true },
  ],
  [
    'an interface resolved to each of its types',
    '{ a: node(id: "1") { id ... on Person { name } } b: node(id: "r9") { __typename ... on Robot { model } } }',
    {},
  ],
  ['a promised scalar', '{ count }', {}],
  ['an error thrown in a nullable field, with its extensions', '{ people { name secret } }', {}],
  ['null in a non-null field, bubbling to data', '{ strict { name } }', {}],
];

it.each(cases)('answers %s as graphql-js does, compiled or not', async (_, query, variables) => {
  const expected = asSent(
    await execute({ schema, document: parse(query), variableValues: variables }),
  );
  const document = parse(query);
  compiling.mockClear();
  const first = await run(document, variables);
  expect(compiling).not.toHaveBeenCalled();
  const second = await run(document, variables);
  const third = await run(document, variables);
  expect(compiling).toHaveBeenCalledTimes(1);
  for (const result of [first, second, third]) {
    expect(asSent(result)).toEqual(expected);
    for (const error of result.errors ?? []) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error.extensions).toEqual(expect.any(Object));
    }
  }
});

it('keeps the thrown error as the original error, for error masking and logs', async () => {
  const document = parse('{ people(first: 1) { secret } }');
  await run(document, {});
  const result = await run(document, {}); // compiled
  const error = result.errors?.[0];
  expect(error?.originalError).toBeInstanceOf(GraphQLError);
  expect(error?.originalError?.message).toBe('Not yours to read');
  expect(error?.extensions).toEqual({ code: 'FORBIDDEN' });
});

it('refuses invalid variables with the messages of graphql-js, before running anything', async () => {
  const query = 'query ($n: Int) { people(first: $n) { name } }';
  const document = parse(query);
  await run(document, { n: 2 });
  const result = await run(document, { n: 'many' }); // compiled
  expect(result.data).toBeUndefined();
  expect(asSent(result)).toEqual(
    asSent(await execute({ schema, document: parse(query), variableValues: { n: 'many' } })),
  );
});

it('keeps the compiled operations of the most recently used documents only', async () => {
  const ready = compiledExecution(schema, 2).load({ apollo: {} });
  const runTwice = async (document: DocumentNode) => {
    for (let i = 0; i < 2; i += 1) await run(document, {}, ready);
  };
  const [a, b, c] = ['{ count }', '{ people { id } }', '{ people { name } }'].map((text) =>
    parse(text),
  );
  compiling.mockClear();
  await runTwice(a);
  await runTwice(b);
  await runTwice(a); // still kept: no compilation
  expect(compiling).toHaveBeenCalledTimes(2);
  await runTwice(c); // b, the least recently used, is dropped
  await runTwice(a);
  expect(compiling).toHaveBeenCalledTimes(3);
  await runTwice(b); // run once more on graphql-js, then compiled again
  expect(compiling).toHaveBeenCalledTimes(4);
});
