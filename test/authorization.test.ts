import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { allows, rootFieldRules, type AccessRule } from '../src/graphql/access-rules';
import { backdeskSchema } from '../src/server/schema';
import { ALL_ROLES, Role } from '../src/modules/common/role';
import { openSubscriptions, subscribe } from './support/live-client';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * The authorization matrix: every root field, for every role, against the one place that states
 * the rules (the `@Authorized` decorators over `Permissions`). A root field without a rule fails.
 */
const DEMO_BY_ROLE: Record<Role, string> = {
  ADMIN: 'admin@example.com',
  SUPPORT_AGENT: 'agent@example.com',
  SUPPORT_LEAD: 'lead@example.com',
  ACCOUNTANT: 'accountant@example.com',
  HR: 'hr@example.com',
  FULFILLMENT: 'warehouse@example.com',
  REPORTING: 'reports@example.com',
  IT_SUPPORT: 'it@example.com',
  COMPLIANCE: 'compliance@example.com',
};

let server: TestServer;
let schema: GraphQLSchema;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  server = await startTestServer();
  schema = await backdeskSchema();
  for (const role of ALL_ROLES) tokens.set(role, await server.login(DEMO_BY_ROLE[role]));
});

afterAll(async () => {
  await server?.close();
});

/** A value of the right type that passes GraphQL validation (the resolver may still refuse it). */
function dummy(type: GraphQLInputType): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [dummy(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, dummy(field.type)]),
    );
  }
  if (isScalarType(inner)) {
    const samples: Record<string, unknown> = {
      ID: Buffer.from('Nothing:999999').toString('base64url'),
      String: 'x',
      Int: 1,
      Float: 1,
      Boolean: false,
      Decimal: '1.00',
      Date: '2000-01-03',
      DateTime: '2000-01-03T00:00:00.000Z',
      JSONObject: {},
    };
    return samples[inner.name] ?? 'x';
  }
  return null;
}

function operation(
  kind: 'query' | 'mutation' | 'subscription',
  field: GraphQLField<unknown, unknown>,
) {
  const required = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type));
  const variables = Object.fromEntries(required.map((arg) => [arg.name, dummy(arg.type)]));
  const declarations = required.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  const query = `${kind}${declarations ? `(${declarations})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
  return { query, variables };
}

function isForbidden(errors: { extensions?: Record<string, unknown> }[] | undefined): boolean {
  return (errors ?? []).some((error) => error.extensions?.code === 'FORBIDDEN');
}

describe('authorization as data', () => {
  it('has a rule for every root field', () => {
    const rules = rootFieldRules();
    const missing: string[] = [];
    for (const [rootName, root] of [
      ['Query', schema.getQueryType()],
      ['Mutation', schema.getMutationType()],
      ['Subscription', schema.getSubscriptionType()],
    ] as const) {
      for (const name of Object.keys(root?.getFields() ?? {}))
        if (!rules.get(`${rootName}.${name}`)) missing.push(`${rootName}.${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('states the rule of every root field in its description', () => {
    for (const root of [
      schema.getQueryType(),
      schema.getMutationType(),
      schema.getSubscriptionType(),
    ]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        expect([field.name, /Requires |Open to everyone/.test(field.description ?? '')]).toEqual([
          field.name,
          true,
        ]);
      }
    }
  });

  it('allows and refuses every query and mutation for every role exactly as the rules say', async () => {
    const rules = rootFieldRules();
    const mismatches: string[] = [];
    const outcomes = { allowed: 0, refused: 0 };
    for (const [kind, root] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        const rule = rules.get(
          `${kind === 'query' ? 'Query' : 'Mutation'}.${field.name}`,
        ) as AccessRule;
        const { query, variables } = operation(kind, field);
        for (const role of ALL_ROLES) {
          const result = await server.raw(query, variables, tokens.get(role));
          const forbidden = isForbidden(result.errors);
          outcomes[forbidden ? 'refused' : 'allowed'] += 1;
          if (forbidden === allows(rule, [role]) || result.status >= 500) {
            mismatches.push(
              `${kind} ${field.name} as ${role}: ${forbidden ? 'refused' : 'allowed'} (status ${result.status})`,
            );
          }
        }
        if (rule.kind !== 'public') {
          const anonymous = await server.raw(query, variables);
          if (anonymous.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED')
            mismatches.push(`${kind} ${field.name} without a token was not refused`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Both outcomes occur: the matrix is not vacuous.
    expect(outcomes.allowed).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  }, 120_000);

  it('allows and refuses every subscription for every role exactly as the rules say', async () => {
    const rules = rootFieldRules();
    const mismatches: string[] = [];
    for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
      const rule = rules.get(`Subscription.${field.name}`) as AccessRule;
      const { query, variables } = operation('subscription', field);
      for (const role of ALL_ROLES) {
        const before = await openSubscriptions(server.baseUrl, field.name);
        const live = subscribe(server.wsUrl, tokens.get(role) as string, query, variables);
        // Settled once the server answers with an error or counts the subscription as open:
        // no guessing how long a refusal takes on a busy machine.
        const deadline = Date.now() + 10_000;
        while (
          !live.errors.length &&
          (await openSubscriptions(server.baseUrl, field.name)) === before
        ) {
          if (Date.now() > deadline)
            throw new Error(`subscription ${field.name} as ${role}: neither refused nor opened`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const forbidden = isForbidden(live.errors as { extensions?: Record<string, unknown> }[]);
        if (forbidden === allows(rule, [role]))
          mismatches.push(
            `subscription ${field.name} as ${role}: ${forbidden ? 'refused' : 'allowed'}`,
          );
        await live.stop();
        while ((await openSubscriptions(server.baseUrl, field.name)) > before)
          await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});

describe('rules on fields', () => {
  it('keeps the roles of a field resolver that takes only its parent and the context', async () => {
    // Employee.history (HR) takes only its parent and the context, as the fields that are called
    // without type-graphql's wrapper do (server/schema.ts): its rule must still hold.
    const query = '{ me { id name history { type } } }';
    const agent = await server.raw(query, {}, tokens.get(Role.SUPPORT_AGENT));
    expect(isForbidden(agent.errors)).toBe(true);
    expect(agent.errors?.[0]?.path).toEqual(['me', 'history']);
    expect(agent.errors).toHaveLength(1);
    const hr = await server.raw(query, {}, tokens.get(Role.HR));
    expect(hr.errors).toBeUndefined();
    expect(hr.data?.me).toMatchObject({ id: expect.any(String), name: 'Hana HR' });
  });
});
