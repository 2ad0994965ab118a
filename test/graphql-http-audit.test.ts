import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('reports@example.com');
});

afterAll(async () => {
  await server?.close();
});

describe('GraphQL over HTTP compliance (graphql-http server audit)', () => {
  it('passes every audit with no error and no warning', async () => {
    // Everything but `login` needs a token here (introspection included): the auditor signs in.
    const signedIn: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    };
    const audits = serverAudits({ url: `${server.baseUrl}/graphql`, fetchFn: signedIn });
    const problems: string[] = [];
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status === 'error' || result.status === 'warn')
        problems.push(`${result.status} ${audit.id} ${audit.name}: ${result.reason}`);
    }
    expect(problems).toEqual([]);
    expect(audits.length).toBeGreaterThan(20);
  });
});
