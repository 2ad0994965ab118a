import { MeDocument, TicketQueueDocument } from './generated/graphql';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ TRUSTED_DOCUMENTS: 'true' });
});

afterAll(async () => {
  await server?.close();
});

describe('trusted documents mode', () => {
  it('runs registered operations (sign-in included) and refuses any other document', async () => {
    const token = await server.login('agent@example.com');
    expect((await server.request(MeDocument, {}, token)).data?.me.email).toBe('agent@example.com');
    expect((await server.request(TicketQueueDocument, { first: 5 }, token)).errors).toBeUndefined();
    const adHoc = await server.raw('{ me { id email } }', {}, token);
    expect(adHoc.status).toBe(400);
    expect(adHoc.errors?.[0]?.extensions?.code).toBe('UNTRUSTED_DOCUMENT');
  });
});
