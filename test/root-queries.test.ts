import {
  assertInterfaceType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isRequiredInputField,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { backdeskSchema } from '../src/server/schema';
import { decodeGlobalId, toGlobalId } from '../src/graphql/global-id';
import { startTestServer, type GraphQLResponse, type TestServer } from './support/test-server';

/**
 * Every root query field, run through the real server as ADMIN (who may read everything) with
 * each of its arguments, each filter field and each enum value set one at a time. The cases come
 * from the schema itself, so a new root query, argument, filter field or enum value is covered
 * without touching this file. Nothing may answer INTERNAL_SERVER_ERROR; an ordinary value must
 * answer without errors, and where a user error is the right answer its code is asserted.
 */
let server: TestServer;
let admin: string;
let schema: GraphQLSchema;

beforeAll(async () => {
  // The probe of `node` aliases the same-named fields of every Node type: far past a client's limit.
  server = await startTestServer({ RATE_LIMIT_PER_TOKEN: '1000000', MAX_QUERY_ALIASES: '1000' });
  admin = await server.login('admin@example.com');
  schema = await backdeskSchema();
  await addWhatTheDemoLacks();
});

/** The demo data holds no API token, vendor, bill or payroll run: one of each gives their
 * lists a cursor and their type an ID to pass. */
async function addWhatTheDemoLacks(): Promise<void> {
  const run = async (query: string, variables: Record<string, unknown>) => {
    const result = await server.raw(query, variables, admin);
    if (result.errors) throw new Error(`${query}: ${JSON.stringify(result.errors)}`);
    return result.data ?? {};
  };
  await run('mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }', {
    input: { name: 'root queries', roles: ['REPORTING'] },
  });
  const vendor = await run(
    'mutation ($input: CreateVendorInput!) { createVendor(input: $input) { vendor { id } } }',
    { input: { name: 'Root Queries Supplies' } },
  );
  const expense = await run(
    '{ accounts(first: 1, filter: { type: EXPENSE }) { nodes { id } } }',
    {},
  );
  await run('mutation ($input: RecordBillInput!) { recordBill(input: $input) { bill { id } } }', {
    input: {
      vendorId: (vendor.createVendor as { vendor: { id: string } }).vendor.id,
      expenseAccountId: (expense.accounts as { nodes: { id: string }[] }).nodes[0].id,
      amount: '12.50',
    },
  });
  await run(
    'mutation ($input: RunPayrollInput!) { runPayroll(input: $input) { payrollRun { id } } }',
    { input: { periodStart: '2026-01-01', periodEnd: '2026-01-31' } },
  );
}

afterAll(async () => {
  await server?.close();
});

type Field = GraphQLField<unknown, unknown>;
type Response = GraphQLResponse<Record<string, unknown>>;

/** What a case must answer: no errors, exactly this user error, or (in a group) either. */
type Expectation =
  | { kind: 'ok' }
  | { kind: 'code'; code: string }
  /** One candidate of several (an ID whose type its name does not tell): ok or the code. */
  | { kind: 'candidate'; code: string; group: string };

interface Variant {
  label: string;
  value: unknown;
  expect: Expectation;
}

interface Case {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  expect: Expectation;
}

const OK: Expectation = { kind: 'ok' };
const BAD_INPUT: Expectation = { kind: 'code', code: 'BAD_USER_INPUT' };

/** A key no seeded row has: the ID of an object that does not exist. */
const MISSING_KEY = 987_654_321;

/** Real global IDs by type name, read from the listing queries. */
const idsByType = new Map<string, string>();
/** A real cursor of each connection field, from its first page. */
const cursors = new Map<string, string>();

/** A Relay connection's object type, or undefined. */
const connectionOf = (type: GraphQLNamedType): GraphQLObjectType | undefined =>
  isObjectType(type) && type.name.endsWith('Connection') && 'nodes' in type.getFields()
    ? type
    : undefined;

const nodeTypeNames = () =>
  schema.getPossibleTypes(assertInterfaceType(schema.getType('Node'))).map((type) => type.name);

/** A selection of a type's fields: leaves always, nested objects while `depth` lasts. */
function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const connection = connectionOf(named);
  if (connection) {
    const node = connection.getFields().nodes.type;
    return `{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes ${selectionOf(node, depth - 1)} }`;
  }
  if (isInterfaceType(named) || isUnionType(named)) {
    // Two types' fields of one name may differ in type, which GraphQL refuses in one
    // selection: such a field is aliased by its type.
    const seen = new Map<string, string>();
    const common = isInterfaceType(named) ? fieldsOf(named.getFields(), -1, seen) : [];
    const fragments = schema
      .getPossibleTypes(named)
      .map(
        (possible) =>
          `... on ${possible.name} { ${fieldsOf(possible.getFields(), depth, seen, possible.name).join(' ')} }`,
      );
    return `{ __typename ${[...common, ...fragments].join(' ')} }`;
  }
  if (!isObjectType(named)) throw new Error(`no selection for ${String(type)}`);
  return `{ ${fieldsOf(named.getFields(), depth).join(' ')} }`;
}

function fieldsOf(
  fields: Record<string, Field>,
  depth: number,
  seen = new Map<string, string>(),
  typeName = '',
): string[] {
  const selected: string[] = [];
  for (const field of Object.values(fields)) {
    // A field that cannot be asked without arguments is left out; optional ones stay unset.
    if (field.args.some(isRequiredArgument)) continue;
    const leaf = isLeafType(getNamedType(field.type));
    if (!leaf && depth <= 0) continue;
    const type = String(field.type);
    const known = seen.get(field.name);
    if (known === undefined) seen.set(field.name, type);
    const name =
      known === undefined || known === type
        ? field.name
        : `${typeName}_${field.name}: ${field.name}`;
    // Pages inside pages are kept small: the cost limit multiplies page sizes.
    const small =
      connectionOf(getNamedType(field.type)) && field.args.some((arg) => arg.name === 'first')
        ? '(first: 2)'
        : '';
    selected.push(leaf ? name : `${name}${small} ${selectionOf(field.type, depth - 1)}`);
  }
  return selected.length > 0 ? selected : ['__typename'];
}

/** The type an ID argument names (`customerId` → Customer, `id` → the field's own type). */
function typeNamedBy(argument: string, field: Field): string | undefined {
  const named = getNamedType(field.type);
  if (argument === 'id' || argument === 'ids')
    return isObjectType(named) && nodeTypeNames().includes(named.name) ? named.name : undefined;
  const match = /^(\w+?)Ids?$/.exec(argument);
  if (!match) return undefined;
  const name = match[1][0].toUpperCase() + match[1].slice(1);
  return nodeTypeNames().includes(name) ? name : undefined;
}

function idVariants(argument: string, field: Field, path: string): Variant[] {
  const named = typeNamedBy(argument, field);
  if (named !== undefined) {
    const real = idsByType.get(named);
    return [
      real
        ? { label: `a real ${named} ID`, value: real, expect: OK }
        : { label: `a ${named} ID (none seeded)`, value: toGlobalId(named, 1), expect: OK },
      { label: `a missing ${named} ID`, value: toGlobalId(named, MISSING_KEY), expect: OK },
    ];
  }
  const anyType = getNamedType(field.type).name === 'Node';
  // The name does not tell the type: every type's ID is tried; the right one answers, the
  // others are refused as malformed input.
  return [...idsByType].map(([type, id]) => ({
    label: `a real ${type} ID`,
    value: id,
    expect: anyType ? OK : { kind: 'candidate', code: 'BAD_USER_INPUT', group: path },
  }));
}

function scalarVariants(name: string, argument: string, field: Field, path: string): Variant[] {
  switch (name) {
    case 'ID':
      return idVariants(argument, field, path);
    case 'String':
      if (
        connectionOf(getNamedType(field.type)) &&
        (argument === 'after' || argument === 'before')
      ) {
        const cursor = cursors.get(field.name);
        return [
          ...(cursor ? [{ label: 'a real cursor', value: cursor, expect: OK }] : []),
          { label: "'a' (not a cursor)", value: 'a', expect: BAD_INPUT },
        ];
      }
      return [{ label: "'a'", value: 'a', expect: OK }];
    case 'Int':
      return [{ label: '1', value: 1, expect: OK }];
    case 'Float':
      return [{ label: '1.5', value: 1.5, expect: OK }];
    case 'Boolean':
      return [true, false].map((value) => ({ label: String(value), value, expect: OK }));
    case 'Date':
      return [{ label: '2026-01-01', value: '2026-01-01', expect: OK }];
    case 'DateTime':
      return [{ label: 'an ISO time', value: '2026-01-01T12:00:00.000Z', expect: OK }];
    case 'Decimal':
      return [{ label: '1.00', value: '1.00', expect: OK }];
    case 'JSONObject':
      return [{ label: '{}', value: {}, expect: OK }];
    default:
      throw new Error(`root-queries.test.ts has no values for the scalar ${name}: add them`);
  }
}

/** The values to try for an argument or input field of `type`. */
function variantsOf(
  type: GraphQLInputType,
  argument: string,
  field: Field,
  path: string,
): Variant[] {
  if (isNonNullType(type)) return variantsOf(type.ofType, argument, field, path);
  if (isListType(type))
    return variantsOf(type.ofType, argument, field, path).map((variant) => ({
      ...variant,
      label: `[${variant.label}]`,
      value: [variant.value],
    }));
  if (isEnumType(type))
    return type.getValues().map((value) => ({ label: value.name, value: value.name, expect: OK }));
  if (isScalarType(type)) return scalarVariants(type.name, argument, field, path);
  if (!isInputObjectType(type)) throw new Error(`no values for ${String(type)}`);
  // An input object: its required fields set, then each other field one at a time.
  const fields = Object.values(type.getFields());
  const base: Record<string, unknown> = {};
  for (const inputField of fields.filter(isRequiredInputField))
    base[inputField.name] = variantsOf(inputField.type, inputField.name, field, path)[0].value;
  const variants: Variant[] = [{ label: '{}', value: base, expect: OK }];
  for (const inputField of fields) {
    const at = `${path}.${inputField.name}`;
    for (const variant of variantsOf(inputField.type, inputField.name, field, at))
      variants.push({
        ...variant,
        label: `{ ${inputField.name}: ${variant.label} }`,
        value: { ...base, [inputField.name]: variant.value },
      });
  }
  return variants;
}

function caseOf(field: Field, args: Record<string, unknown>, label: string, expect: Expectation) {
  const used = field.args.filter((argument) => argument.name in args);
  const declared = used.map((argument) => `$${argument.name}: ${String(argument.type)}`);
  const passed = used.map((argument) => `${argument.name}: $${argument.name}`);
  const depth = ['node', 'nodes'].includes(field.name) ? 1 : 2;
  return {
    label,
    query: `query RootProbe${declared.length ? `(${declared.join(', ')})` : ''} { ${field.name}${
      passed.length ? `(${passed.join(', ')})` : ''
    } ${selectionOf(field.type, depth)} }`,
    variables: args,
    expect,
  } satisfies Case;
}

/** The field with only its required arguments, then each argument's values one at a time. */
function casesOf(field: Field): Case[] {
  const base: Record<string, unknown> = {};
  for (const argument of field.args.filter(isRequiredArgument))
    base[argument.name] = variantsOf(argument.type, argument.name, field, field.name)[0].value;
  const cases: Case[] = [caseOf(field, base, `${field.name} (required arguments only)`, OK)];
  for (const argument of field.args) {
    const path = `${field.name}(${argument.name})`;
    for (const variant of variantsOf(argument.type, argument.name, field, path))
      cases.push(
        caseOf(
          field,
          { ...base, [argument.name]: variant.value },
          `${field.name}(${argument.name}: ${variant.label})`,
          variant.expect,
        ),
      );
  }
  return cases;
}

/** Notes every global ID in an answer by its type, and the cursor at the end of a root page. */
function harvest(field: Field, response: Response): void {
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        const type = key === 'id' && typeof inner === 'string' && decodeGlobalId(inner)?.typeName;
        if (type && !idsByType.has(type)) idsByType.set(type, inner as string);
        walk(inner);
      }
  };
  const data = response.data?.[field.name];
  walk(data);
  const endCursor = (data as { pageInfo?: { endCursor?: string | null } } | null)?.pageInfo
    ?.endCursor;
  if (endCursor) cursors.set(field.name, endCursor);
}

function verdict(expect: Expectation, response: Response): 'ok' | 'refused' | string {
  const codes = (response.errors ?? []).map((error) => String(error.extensions?.code));
  if (codes.length === 0)
    return expect.kind === 'code' ? `no error, expected ${expect.code}` : 'ok';
  if (expect.kind !== 'ok' && codes.every((code) => code === expect.code)) return 'refused';
  const errors = (response.errors ?? []).map(
    (error) => `${String(error.extensions?.code)} at ${error.path?.join('.')}: ${error.message}`,
  );
  return `errors: ${[...new Set(errors)].join('; ')}`;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size)
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  return results;
}

it('answers every root query, with each argument, filter field and enum value, without an internal error', async () => {
  const fields = Object.values(schema.getQueryType()?.getFields() ?? {});
  expect(fields.length).toBeGreaterThan(30);
  const run = async (probe: Case) => ({
    probe,
    response: await server.raw(probe.query, probe.variables, admin),
  });
  // First every field that needs no arguments, as it comes: the IDs and cursors in its answer
  // are what the other cases pass.
  const plain = fields.filter((field) => !field.args.some(isRequiredArgument));
  const first = await inBatches(
    plain.map((field) => casesOf(field)[0]),
    4,
    run,
  );
  first.forEach(({ response }, index) => harvest(plain[index], response));
  expect(idsByType.size).toBeGreaterThan(10);
  const rest = fields.flatMap((field) => casesOf(field).slice(plain.includes(field) ? 1 : 0));
  const cases = [...first.map(({ probe }) => probe), ...rest];
  const verdicts = [...first, ...(await inBatches(rest, 4, run))].map(({ probe, response }) => ({
    probe,
    outcome: verdict(probe.expect, response),
  }));

  const show = ({ label, query, variables }: Case, outcome: string) =>
    `  ${label}: ${outcome}\n    ${query}\n    variables: ${JSON.stringify(variables)}`;
  const failures = verdicts
    .filter(
      ({ probe, outcome }) =>
        outcome !== 'ok' && (outcome !== 'refused' || probe.expect.kind === 'ok'),
    )
    .map(({ probe, outcome }) => show(probe, outcome));
  // Of several candidate IDs for one argument, the right one must be answered.
  const groups = new Map<string, boolean>();
  for (const { probe, outcome } of verdicts)
    if (probe.expect.kind === 'candidate')
      groups.set(probe.expect.group, (groups.get(probe.expect.group) ?? false) || outcome === 'ok');
  for (const [group, answered] of groups)
    if (!answered) failures.push(`  ${group}: no ID of any type was accepted`);

  expect(`${cases.length} cases; failing:\n${failures.join('\n')}`).toBe(
    `${cases.length} cases; failing:\n`,
  );
});

it('filters employees by role (an enum array, which statement shapes leave to the builder)', async () => {
  const emails = async (role: string) => {
    const result = await server.raw(
      'query ($role: Role) { employees(first: 20, filter: { role: $role }) { totalCount nodes { email roles } } }',
      { role },
      admin,
    );
    expect(result.errors).toBeUndefined();
    const page = result.data?.employees as {
      totalCount: number;
      nodes: { email: string; roles: string[] }[];
    };
    expect(page.nodes.every((node) => node.roles.includes(role))).toBe(true);
    expect(page.totalCount).toBe(page.nodes.length);
    return page.nodes.map((node) => node.email);
  };
  expect(await emails('SUPPORT_AGENT')).toContain('agent@example.com');
  expect(await emails('SUPPORT_AGENT')).not.toContain('admin@example.com');
  expect(await emails('ADMIN')).toContain('admin@example.com');
});
