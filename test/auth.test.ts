import { SignJWT } from 'jose';
import { SessionTokens } from '../src/modules/auth/session-token';
import { Employee, EmployeeStatus } from '../src/modules/employees/employee.entity';
import {
  ApiTokensDocument,
  CreateApiTokenDocument,
  LoginDocument,
  MeDocument,
  NodeByIdDocument,
  NodesByIdsDocument,
  RevokeApiTokenDocument,
} from './generated/graphql';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function errorCode(result: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return result.errors?.[0]?.extensions?.code;
}

describe('login', () => {
  it('returns a token and the employee for the right password, and the token works for me', async () => {
    const result = await server.request(LoginDocument, {
      input: { email: 'Admin@Example.com', password: 'demo-password' },
    });
    expect(result.data?.login.userErrors).toEqual([]);
    expect(result.data?.login.employee?.email).toBe('admin@example.com');
    const token = result.data?.login.token as string;
    const me = await server.request(MeDocument, {}, token);
    expect(me.data?.me).toMatchObject({
      email: 'admin@example.com',
      roles: ['ADMIN'],
      status: 'ACTIVE',
    });
  });

  it('refuses an unknown email, a wrong password and a terminated employee with the same error', async () => {
    const em = server.backdesk.database.orm.em.fork();
    await em.nativeUpdate(
      Employee,
      { email: 'hr@example.com' },
      { status: EmployeeStatus.TERMINATED },
    );
    const attempts = [
      { email: 'nobody@example.com', password: 'demo-password' },
      { email: 'admin@example.com', password: 'wrong-password' },
      { email: 'hr@example.com', password: 'demo-password' },
    ];
    const results = await Promise.all(
      attempts.map((input) => server.request(LoginDocument, { input })),
    );
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.data?.login.token).toBeNull();
      expect(result.data?.login.employee).toBeNull();
      expect(result.data?.login.userErrors).toEqual([
        {
          code: 'INVALID_CREDENTIALS',
          field: null,
          message: 'The email or password is not correct',
        },
      ]);
    }
    await em.nativeUpdate(Employee, { email: 'hr@example.com' }, { status: EmployeeStatus.ACTIVE });
  });
});

describe('tokens', () => {
  it('refuses a request without a token, introspection included', async () => {
    const me = await server.request(MeDocument, {});
    expect(me.status).toBe(401);
    expect(errorCode(me)).toBe('UNAUTHENTICATED');
    expect(me.data ?? null).toBeNull();
    const introspection = await server.raw('{ __schema { queryType { name } } }');
    expect(errorCode(introspection)).toBe('UNAUTHENTICATED');
    const sneaky = await server.raw(
      'mutation { login(input: { email: "a", password: "b" }) { token } ...F } fragment F on Mutation { createApiToken(input: { name: "x", roles: [ADMIN] }) { token } }',
    );
    expect(errorCode(sneaky)).toBe('UNAUTHENTICATED');
  });

  it('allows introspection with a token', async () => {
    const token = await server.login('reports@example.com');
    const introspection = await server.raw('{ __schema { queryType { name } } }', {}, token);
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses an expired token', async () => {
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuer('backdesk')
      .setAudience('backdesk-api')
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(key);
    const me = await server.request(MeDocument, {}, expired);
    expect(errorCode(me)).toBe('UNAUTHENTICATED');
    expect(me.errors?.[0].message).toMatch(/expired/);
  });

  it('refuses a token once it expires, even after it was accepted before', async () => {
    const tokens = new SessionTokens(TEST_JWT_SECRET, 1);
    const token = await tokens.sign(1);
    expect(await tokens.verify(token)).toEqual({ employeeId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await tokens.verify(token)).toEqual({ rejected: 'expired' });
  });

  it('refuses a tampered token and one signed with another secret', async () => {
    const token = await server.login('agent@example.com');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '1' })).toString('base64url');
    const tampered = await server.request(MeDocument, {}, `${header}.${forged}.${signature}`);
    expect(errorCode(tampered)).toBe('UNAUTHENTICATED');

    const otherKey = new TextEncoder().encode('another-secret-another-secret-another-secret');
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuer('backdesk')
      .setAudience('backdesk-api')
      .setExpirationTime('1h')
      .sign(otherKey);
    expect(errorCode(await server.request(MeDocument, {}, foreign))).toBe('UNAUTHENTICATED');
    expect(errorCode(await server.request(MeDocument, {}, 'not-a-token'))).toBe('UNAUTHENTICATED');
  });

  it('stops accepting the token of an employee terminated behind the API, within a second', async () => {
    const token = await server.login('warehouse@example.com');
    expect((await server.request(MeDocument, {}, token)).data?.me.email).toBe(
      'warehouse@example.com',
    );
    const em = server.backdesk.database.orm.em.fork();
    await em.nativeUpdate(
      Employee,
      { email: 'warehouse@example.com' },
      { status: EmployeeStatus.TERMINATED },
    );
    try {
      // Changes made through the API apply on the next request (employee-access.test.ts); one
      // made in the table directly, once the kept roles and status are a second old.
      const changedAt = Date.now();
      let code: unknown;
      while (code !== 'UNAUTHENTICATED' && Date.now() - changedAt < 3000)
        code = errorCode(await server.request(MeDocument, {}, token));
      expect(code).toBe('UNAUTHENTICATED');
      expect(Date.now() - changedAt).toBeLessThan(2000);
    } finally {
      await em.nativeUpdate(
        Employee,
        { email: 'warehouse@example.com' },
        { status: EmployeeStatus.ACTIVE },
      );
    }
  });
});

describe('roles and API tokens', () => {
  it('lets only ADMIN create API tokens', async () => {
    for (const email of ['agent@example.com', 'accountant@example.com', 'reports@example.com']) {
      const token = await server.login(email);
      const result = await server.request(
        CreateApiTokenDocument,
        { input: { name: 'tool', roles: ['REPORTING'] } },
        token,
      );
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    }
    const agent = await server.login('agent@example.com');
    expect(errorCode(await server.request(ApiTokensDocument, {}, agent))).toBe('FORBIDDEN');
  });

  it('creates a working API token with its roles, lists it, and revokes it', async () => {
    const admin = await server.login('admin@example.com');
    const created = await server.request(
      CreateApiTokenDocument,
      { input: { name: 'Nightly export', roles: ['REPORTING'] } },
      admin,
    );
    expect(created.data?.createApiToken.userErrors).toEqual([]);
    const secret = created.data?.createApiToken.token as string;
    const apiToken = created.data?.createApiToken.apiToken;
    expect(secret.startsWith(apiToken?.prefix as string)).toBe(true);
    expect(apiToken?.roles).toEqual(['REPORTING']);

    const me = await server.request(MeDocument, {}, secret);
    expect(me.data?.me.email).toBe('admin@example.com');
    // The token carries its own roles, not its creator's.
    expect(errorCode(await server.request(ApiTokensDocument, {}, secret))).toBe('FORBIDDEN');

    const list = await server.request(ApiTokensDocument, { first: 10 }, admin);
    expect(list.data?.apiTokens.nodes.map((node) => node.id)).toContain(apiToken?.id);
    expect(list.data?.apiTokens.totalCount).toBeGreaterThanOrEqual(1);

    const revoked = await server.request(
      RevokeApiTokenDocument,
      { input: { id: apiToken?.id as string } },
      admin,
    );
    expect(revoked.data?.revokeApiToken.apiToken?.revokedAt).toEqual(expect.any(String));
    expect(errorCode(await server.request(MeDocument, {}, secret))).toBe('UNAUTHENTICATED');
    const again = await server.request(
      RevokeApiTokenDocument,
      { input: { id: apiToken?.id as string } },
      admin,
    );
    expect(again.data?.revokeApiToken.userErrors[0]?.code).toBe('ALREADY_REVOKED');
  });

  it('refuses a malformed or foreign ID as bad input', async () => {
    const admin = await server.login('admin@example.com');
    const me = await server.request(MeDocument, {}, admin);
    for (const id of ['garbage', me.data?.me.id as string]) {
      const result = await server.request(RevokeApiTokenDocument, { input: { id } }, admin);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
  });

  it('resolves global IDs through node and nodes', async () => {
    const token = await server.login('agent@example.com');
    const me = await server.request(MeDocument, {}, token);
    const id = me.data?.me.id as string;
    const node = await server.request(NodeByIdDocument, { id }, token);
    expect(node.data?.node).toEqual({ id, __typename: 'Employee', email: 'agent@example.com' });
    const nodes = await server.request(
      NodesByIdsDocument,
      { ids: [id, 'bogus', Buffer.from('Employee:999999').toString('base64url')] },
      token,
    );
    expect(nodes.data?.nodes).toEqual([{ id, __typename: 'Employee' }, null, null]);
  });

  it('paginates with cursors and refuses a page size over 100', async () => {
    const admin = await server.login('admin@example.com');
    for (const name of ['a', 'b', 'c']) {
      await server.request(
        CreateApiTokenDocument,
        { input: { name, roles: ['REPORTING'] } },
        admin,
      );
    }
    const first = await server.request(ApiTokensDocument, { first: 2 }, admin);
    expect(first.data?.apiTokens.edges).toHaveLength(2);
    expect(first.data?.apiTokens.pageInfo.hasNextPage).toBe(true);
    const second = await server.request(
      ApiTokensDocument,
      { first: 2, after: first.data?.apiTokens.pageInfo.endCursor },
      admin,
    );
    const seen = [
      ...(first.data?.apiTokens.nodes ?? []),
      ...(second.data?.apiTokens.nodes ?? []),
    ].map((n) => n.id);
    expect(new Set(seen).size).toBe(seen.length);
    // Valid arguments are remembered (server/schema.ts); a refused value stays refused.
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect(errorCode(await server.request(ApiTokensDocument, { first: 101 }, admin))).toBe(
        'BAD_USER_INPUT',
      );
    expect(
      errorCode(
        await server.request(ApiTokensDocument, { first: 2, after: 'not-a-cursor' }, admin),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});
