import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { RequestContext } from '../src/modules/context';
import { backdeskSchema, GLOBAL_MIDDLEWARES } from '../src/server/schema';
import { SLA_SWEEP_JOB } from '../src/modules/support/sla-sweep';
import { ManualClock } from './support/manual-clock';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * What graphql-jit (src/server/compiled-execution.ts) does differently from graphql-js, held to
 * the schema as built:
 *
 * - A field with no resolver is read inline, as `parent.property`: no type-graphql resolver runs
 *   for it (no auth rule, no middleware), a promise in the property is not awaited, a function
 *   in it is not called. graphql-js would await the one and call the other.
 * - Every field with a resolver runs the same resolver on both paths. So an auth rule or a
 *   middleware is skipped only where schema.ts answers a field without type-graphql's resolver
 *   (a plain property, read inline; a field resolver method called directly).
 *
 * Whether schema.ts leaves a property a resolver depends on its declared type (`design:type`):
 * typed `unknown` (or a union, an interface, a type alias: all reflected as Object) or as a
 * promise, it keeps one and is awaited; typed as a class, a string or a number, it is read
 * inline. A property typed as something it does not always hold (a loader's promise in a
 * property typed as its row class) answers differently when compiled: the last test runs every
 * field a query reaches both ways and compares (payloads only a mutation returns are left out).
 */
let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await backdeskSchema();
});

interface Declared {
  /** `@Authorized` roles: undefined without the decorator, [] for "signed in". */
  roles?: readonly unknown[];
  middlewares: readonly unknown[];
}

/** What type-graphql declares for each field it builds, by "Type.field". */
function declaredFields(): Map<string, Declared> {
  const storage = getMetadataStorage();
  const declared = new Map<string, Declared>();
  const note = (
    key: string,
    roles: readonly unknown[] | undefined,
    middlewares: readonly unknown[] | undefined,
  ) => {
    const known = declared.get(key);
    declared.set(key, {
      roles: known?.roles ?? roles,
      middlewares: [...(known?.middlewares ?? []), ...(middlewares ?? [])],
    });
  };
  for (const type of storage.objectTypes)
    for (const field of type.fields ?? [])
      note(`${type.name}.${field.schemaName}`, field.roles, field.middlewares);
  for (const resolver of storage.fieldResolvers) {
    const target = resolver.getObjectType?.();
    const type = storage.objectTypes.find((objectType) => objectType.target === target);
    if (type) note(`${type.name}.${resolver.schemaName}`, resolver.roles, resolver.middlewares);
  }
  const roots: [string | undefined, typeof storage.queries][] = [
    [schema.getQueryType()?.name, storage.queries],
    [schema.getMutationType()?.name, storage.mutations],
  ];
  for (const [root, operations] of roots)
    for (const operation of operations)
      note(`${root}.${operation.schemaName}`, operation.roles, operation.middlewares);
  return declared;
}

/** Every field of every object type (queries and mutations included; not subscriptions). */
function objectFields(): [string, GraphQLField<unknown, unknown>][] {
  const subscription = schema.getSubscriptionType()?.name;
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith('__') && type.name !== subscription)
    .flatMap((type) =>
      Object.values(type.getFields()).map((field): [string, GraphQLField<unknown, unknown>] => [
        `${type.name}.${field.name}`,
        field,
      ]),
    );
}

describe('what the compiled path skips', () => {
  it('reads inline only fields that type-graphql would answer with no auth rule and no middleware', () => {
    const declared = declaredFields();
    const inline = objectFields().filter(([, field]) => !field.resolve);
    // Most plain fields are read inline (the reason schema.ts drops their resolvers).
    expect(inline.length).toBeGreaterThan(200);
    const guarded = inline
      .map(([key]) => [key, declared.get(key)] as const)
      .filter(
        ([, rule]) =>
          rule?.roles !== undefined ||
          (rule?.middlewares.length ?? 0) > 0 ||
          GLOBAL_MIDDLEWARES.length > 0,
      )
      .map(([key]) => key);
    expect(guarded).toEqual([]);
  });

  it('refuses a caller who is not signed in on every field with an auth rule, in the resolver both paths call', async () => {
    const declared = declaredFields();
    const ruled = objectFields().filter(([key]) => declared.get(key)?.roles !== undefined);
    expect(ruled.length).toBeGreaterThan(50);
    // Nothing a field needs: the auth rule must refuse before the field reads anything.
    const context = { viewer: undefined } as unknown as RequestContext;
    const info = { fieldNodes: [], path: { key: 'probe' } } as unknown as GraphQLResolveInfo;
    const unrefused: string[] = [];
    for (const [key, field] of ruled) {
      let code: unknown;
      try {
        await field.resolve?.({ id: 1 }, {}, context, info);
      } catch (error) {
        code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      }
      if (code !== 'UNAUTHENTICATED') unrefused.push(key);
    }
    expect(unrefused).toEqual([]);
  });
});

describe('promise-bearing properties', () => {
  let server: TestServer;
  let token: string;
  let adminId: string;
  let mailedTicketId: string;

  beforeAll(async () => {
    // Queries far larger than a client may send: every field within reach, at once. The clock
    // stands still, so that what is made from the time (signed download URLs) answers the same
    // on both runs of a query.
    server = await startTestServer(
      {
        MAX_QUERY_DEPTH: '100',
        MAX_QUERY_COST: '100000000',
        MAX_QUERY_TOKENS: '1000000',
        // No workers and so no schedules: the jobs and emails queued below stay as they are,
        // and `jobs` and `outboundEmails` answer the same on both runs of their documents.
        RUN_WORKERS: 'false',
      },
      { clock: new ManualClock() },
    );
    token = await server.login('admin@example.com');
    const me = await server.raw('{ me { id } }', {}, token);
    adminId = (me.data as { me: { id: string } }).me.id;
    // A read of the admin's pay by someone else, for the log below.
    const read = await server.raw(
      'query($id: ID!) { employee(id: $id) { salary { amount } } }',
      { id: adminId },
      await server.login('hr@example.com'),
    );
    expect(read.errors).toBeUndefined();
    // Something of each kind the demo seed makes none of.
    const accounts = await server.raw('{ accounts(first: 100) { nodes { id code } } }', {}, token);
    const expenses = (accounts.data as { accounts: { nodes: { id: string; code: string }[] } })
      .accounts.nodes;
    const vendor = await change(
      'createVendor(input: { name: "Paper Co" }) { vendor { id } userErrors { code } }',
    );
    const vendorId = (vendor as { vendor: { id: string } }).vendor.id;
    const expenseAccountId = expenses.find((account) => account.code === '6100')?.id;
    await change(
      `recordBill(input: { vendorId: "${vendorId}", expenseAccountId: "${expenseAccountId}", amount: "12.50" }) { userErrors { code } }`,
    );
    await change(
      'createApiToken(input: { name: "probe", roles: [REPORTING] }) { userErrors { code } }',
    );
    // An export (PENDING: no worker writes it here).
    await change(
      'createExport(input: { kind: JOURNAL, format: CSV }) { export { id } userErrors { code } }',
    );
    // An erasure answered, with what it erased and what it kept.
    const erasure = await change(
      'openDataSubjectRequest(input: { kind: ERASURE, email: "grace@cobol.example" }) { request { id } userErrors { code } }',
    );
    const erasureId = (erasure as { request: { id: string } }).request.id;
    await change(
      `fulfilDataSubjectRequest(input: { requestId: "${erasureId}" }) { userErrors { code } }`,
    );
    await change(
      'runPayroll(input: { periodStart: "2030-01-01", periodEnd: "2030-01-31" }) { userErrors { code } }',
    );
    // A dunning notice with interest (and a partial payment): the seed's invoices, a year on,
    // under the seed's default policy.
    const invoices = await server.raw(
      '{ invoices(first: 1) { nodes { customer { id } } } }',
      {},
      token,
    );
    const debtor = (invoices.data as { invoices: { nodes: { customer: { id: string } }[] } })
      .invoices.nodes[0].customer.id;
    await change(
      `recordPayment(input: { customerId: "${debtor}", amount: "0.01" }) { userErrors { code } }`,
    );
    const aYearOn = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await change(`runDunning(input: { asOf: "${aYearOn}" }) { userErrors { code } }`);
    // A note that carries a file (uploaded through POST /attachments), on the ticket first in
    // the queue: a note leaves its place in the queue, and it is the ticket's last message.
    const tickets = await server.raw('{ tickets(first: 1) { nodes { id } } }', {}, token);
    const ticketId = (tickets.data as { tickets: { nodes: { id: string }[] } }).tickets.nodes[0].id;
    const form = new FormData();
    form.append('ticketId', ticketId);
    form.append('file', new Blob(['a line of text\n']), 'notes.txt');
    const uploaded = await fetch(`${server.baseUrl}/attachments`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    const attachment = (await uploaded.json()) as { id: string };
    await change(
      `replyToTicket(input: { ticketId: "${ticketId}", body: "Attached", internal: true, attachmentIds: ["${attachment.id}"] }) { userErrors { code } }`,
    );
    // A ticket of its own with a public reply (an email in the outbox, its delivery on the
    // message), read through `ticket(id)` below.
    const customers = await server.raw('{ customers(first: 1) { nodes { id } } }', {}, token);
    const customerId = (customers.data as { customers: { nodes: { id: string }[] } }).customers
      .nodes[0].id;
    const opened = (await change(
      `createTicket(input: { customerId: "${customerId}", subject: "Mailed", body: "Hello" }) { ticket { id } userErrors { code } }`,
    )) as { ticket: { id: string } };
    mailedTicketId = opened.ticket.id;
    await change(
      `replyToTicket(input: { ticketId: "${mailedTicketId}", body: "We are on it" }) { userErrors { code } }`,
    );
    // Paying people: a US bank account for everyone the demo's latest posted run pays (and the
    // admin, whom `me` reads), and a NACHA file paying that run.
    const runs = await server.raw(
      '{ payrollRuns(first: 10) { nodes { id status payslips { employee { id } } } } }',
      {},
      token,
    );
    const run = (
      runs.data as {
        payrollRuns: {
          nodes: { id: string; status: string; payslips: { employee: { id: string } }[] }[];
        };
      }
    ).payrollRuns.nodes.find((candidate) => candidate.status === 'POSTED');
    if (!run) throw new Error('the demo posts payroll runs');
    const payees = new Set([adminId, ...run.payslips.map((slip) => slip.employee.id)]);
    for (const employeeId of payees)
      await change(
        `setEmployeeBankAccount(input: { employeeId: "${employeeId}", holderName: "Demo Holder", routingNumber: "021000021", accountNumber: "12345678", effectiveFrom: "2020-01-01" }) { userErrors { code } }`,
      );
    const payingLedger = (await change(
      'createAccount(input: { code: "1987", name: "Payroll bank", type: ASSET }) { account { id } userErrors { code } }',
    )) as { account: { id: string } };
    const paying = (await change(
      `createBankAccount(input: { name: "Payroll bank", ledgerAccountId: "${payingLedger.account.id}", currency: "USD", accountNumber: "000123456789", routingNumber: "021000021", achCompanyId: "1234567890" }) { bankAccount { id } userErrors { code } }`,
    )) as { bankAccount: { id: string } };
    await change(
      `createPaymentFile(input: { payrollRunId: "${run.id}", format: NACHA_PPD, executionDate: "${new Date().toISOString().slice(0, 10)}", bankAccountId: "${paying.bankAccount.id}" }) { userErrors { code } }`,
    );
    // A reorder rule, and the replenishment draft it proposes from Paper Co (a purchase order
    // with a line and its proposal).
    const products = await server.raw('{ products(first: 1) { nodes { id } } }', {}, token);
    const productId = (products.data as { products: { nodes: { id: string }[] } }).products.nodes[0]
      .id;
    await change(
      `setReorderRule(input: { productId: "${productId}", minimum: 1000, maximum: 2000, vendorId: "${vendorId}", leadTimeDays: 5 }) { userErrors { code } }`,
    );
    await change('runReplenishment(input: {}) { userErrors { code } }');
    await server.backdesk.jobs.enqueue(undefined, SLA_SWEEP_JOB, {});
  });

  /** Runs a mutation as the admin; expects it to succeed and returns its payload. */
  async function change(field: string): Promise<unknown> {
    const result = await server.raw(`mutation { ${field} }`, {}, token);
    expect(result.errors).toBeUndefined();
    const payload = Object.values(result.data ?? {})[0] as { userErrors: unknown[] };
    expect(payload.userErrors).toEqual([]);
    return payload;
  }

  afterAll(async () => {
    await server?.close();
  });

  const day = (offset: number) =>
    new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const [A_YEAR_AGO, IN_A_YEAR] = [day(-365), day(365)];

  /** How deep a generated query goes (and a type appears at most once on a path). */
  const MAX_DEPTH = 6;

  /** An id of each type met so far, by type name (for fields that take one). */
  const ids = new Map<string, string>();

  /** `name(arguments)` for a field, or null when it takes an argument this cannot make up. */
  function call(field: GraphQLField<unknown, unknown>, given: Record<string, string> = {}) {
    const returns = getNamedType(field.type);
    const values: string[] = [];
    for (const arg of field.args) {
      const type = getNamedType(arg.type).name;
      let value: string | undefined = given[arg.name];
      if (value === undefined && arg.name === 'first') value = '2';
      if (value === undefined && isNonNullType(arg.type) && arg.defaultValue === undefined) {
        if (type === 'Date') value = JSON.stringify(arg.name === 'to' ? IN_A_YEAR : A_YEAR_AGO);
        else if (type === 'ID' && arg.name === 'id') {
          const id = isObjectType(returns) ? ids.get(returns.name) : ids.values().next().value;
          if (id === undefined) return null;
          value = JSON.stringify(id);
        } else return null;
      }
      if (value !== undefined) values.push(`${arg.name}: ${value}`);
    }
    return values.length ? `${field.name}(${values.join(', ')})` : field.name;
  }

  /** The selection of every field of a type that can be asked; '' for a leaf or too deep. */
  function selection(type: GraphQLNamedType, path: readonly string[]): string {
    if (isLeafType(type) || path.length >= MAX_DEPTH || path.includes(type.name)) return '';
    if (isAbstractType(type)) {
      const parts = schema
        .getPossibleTypes(type)
        .map((possible) => [possible.name, selection(possible, path)])
        .filter(([, inner]) => inner !== '')
        .map(([name, inner]) => `... on ${name} ${inner}`);
      return `{ __typename ${parts.join(' ')} }`;
    }
    if (!isObjectType(type)) return '';
    const parts: string[] = ['__typename'];
    for (const field of Object.values(type.getFields())) {
      const asked = call(field);
      const returns = getNamedType(field.type);
      if (asked === null) continue;
      if (isLeafType(returns)) parts.push(asked);
      else {
        const inner = selection(returns, [...path, type.name]);
        if (inner !== '') parts.push(`${asked} ${inner}`);
      }
    }
    return `{ ${parts.join(' ')} }`;
  }

  /** Notes the ids met, and every field answered on an object ("Type.field"). */
  function walk(value: unknown, answered: Set<string>): void {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, answered));
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    const typename = object.__typename;
    if (typeof typename === 'string') {
      if (typeof object.id === 'string') ids.set(typename, object.id);
      for (const key of Object.keys(object)) answered.add(`${typename}.${key}`);
    }
    for (const inner of Object.values(object)) walk(inner, answered);
  }

  /** The types a query can reach, through any field. */
  function reachable(from: GraphQLNamedType): Set<string> {
    const seen = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (seen.has(type.name)) return;
      seen.add(type.name);
      if (isAbstractType(type)) schema.getPossibleTypes(type).forEach(visit);
      if (isObjectType(type))
        for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    };
    visit(from);
    return seen;
  }

  it('answers every field a query reaches the same compiled as on graphql-js', async () => {
    const query = schema.getQueryType();
    if (!query) throw new Error('no query type');
    const answered = new Set<string>();
    const differences: string[] = [];
    // Reads of other people's pay are logged, newest first: only the log of the admin's own pay,
    // which nothing here reads, stays the same from one run to the next.
    const given: Record<string, Record<string, string>> = {
      salaryAccessLog: { employeeId: JSON.stringify(adminId) },
      ticket: { id: JSON.stringify(mailedTicketId) },
      previewRetention: { recordClass: 'CLOSED_TICKETS' },
    };
    // Fields that take no id first; then those that do, with ids the first answers held.
    for (const takesId of [false, true]) {
      for (const field of Object.values(query.getFields())) {
        if (field.args.some((arg) => arg.name === 'id') !== takesId) continue;
        const asked = call(field, given[field.name]);
        if (asked === null) continue;
        const document = `{ __typename ${asked} ${selection(getNamedType(field.type), [query.name])} }`;
        // A document's first run is on graphql-js, the next ones compiled (compiled-execution.ts).
        const interpreted = await server.raw(document, {}, token);
        const compiled = await server.raw(document, {}, token);
        expect(interpreted.status).toBe(200);
        walk(interpreted.data, answered);
        const difference = firstDifference(interpreted, compiled, field.name);
        if (difference) differences.push(difference);
      }
    }
    expect(differences).toEqual([]);
    // Every field graphql-jit reads inline was answered, on some object, by both, except on
    // types only a mutation's payload reaches (subscriptions run on graphql-js).
    const fromQuery = reachable(query);
    const missed = objectFields()
      .filter(([key, field]) => !field.resolve && fromQuery.has(key.split('.')[0]))
      .map(([key]) => key)
      .filter((key) => !answered.has(key));
    expect(missed).toEqual([]);
    // Two requests per root field of the whole schema: minutes on a busy machine.
  }, 300_000);
});

/** Where two JSON values first differ, with both values there; undefined when they are equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (found) return found;
    }
    return undefined;
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} on graphql-js, ${JSON.stringify(b)?.slice(0, 200)} compiled`;
}
