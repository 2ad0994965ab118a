import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GRAPHQL_PATH, graphqlWebSocketUrl, sessionToken } from '../../shared/session';
import './graphiql.css';

/**
 * GraphiQL from the npm package's own build, served by Backdesk itself. Queries and mutations go
 * over HTTP, subscriptions over graphql-ws; both carry what the Headers tab holds. On the socket
 * those headers become the `connection_init` payload, which is where Backdesk reads the token.
 */
const toolkitFetcher = createGraphiQLFetcher({
  url: GRAPHQL_PATH,
  subscriptionUrl: graphqlWebSocketUrl(),
});

const token = sessionToken.read();
const initialHeaders = {
  authorization: token ? `Bearer ${token}` : 'Bearer <the token from login>',
};

/**
 * Header names are case-insensitive over HTTP but not in a socket's payload: they go lowercase.
 * GraphiQL reads the schema once before its Headers tab exists (and so with no headers at all):
 * that first read gets the headers the tab starts with.
 */
const fetcher: Fetcher = (params, options) =>
  toolkitFetcher(params, {
    ...options,
    headers: Object.fromEntries(
      Object.entries(options?.headers ?? initialHeaders).map(([name, value]) => [
        name.toLowerCase(),
        value,
      ]),
    ),
  });

const SIGNED_IN_QUERY = `# Signed in from the console: its token is in the Headers tab below.
# Ctrl+Enter runs the operation; subscriptions stream their events here.

query Me {
  me {
    name
    email
    roles
  }
}

subscription QueueChanges {
  ticketEvents(filter: { status: [NEW, OPEN] }) {
    cursor
    type
    queue
    ticket {
      number
      subject
      status
    }
  }
}
`;

const SIGN_IN_QUERY = `# Every operation but login needs a token (the schema too).
# 1. Run this mutation with your own email and password.
# 2. Put the token in the Headers tab: { "authorization": "Bearer <token>" }
# 3. Reload the schema (the circular arrow in the sidebar, or Shift+Ctrl+R).

mutation SignIn {
  login(input: { email: "agent@example.com", password: "demo-password" }) {
    token
    userErrors {
      message
    }
  }
}
`;

/**
 * The query travels in the address (`/graphiql?query=…`): a link shares it, a reload keeps it.
 * The address changes once GraphiQL has parsed an edit.
 */
const queryInAddress = new URLSearchParams(window.location.search).get('query') ?? undefined;

function keepQueryInAddress(query: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set('query', query);
  window.history.replaceState(null, '', url);
}

function Backlink() {
  return (
    <GraphiQL.Logo>
      <a className="backdesk-graphiql-home" href="/">
        Backdesk
      </a>{' '}
      GraphiQL
    </GraphiQL.Logo>
  );
}

const root = document.getElementById('graphiql');
if (!root) throw new Error('The page has no #graphiql element');
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      headers={JSON.stringify(initialHeaders, null, 2)}
      defaultQuery={token ? SIGNED_IN_QUERY : SIGN_IN_QUERY}
      query={queryInAddress}
      onEditQuery={keepQueryInAddress}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    >
      <Backlink />
    </GraphiQL>
  </StrictMode>,
);
