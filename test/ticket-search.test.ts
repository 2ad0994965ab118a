import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createCustomer, followTicketQueue } from './support/fixtures';
import { startTestServer, type TestServer } from './support/test-server';
import { RANKED_CANDIDATES } from '../src/modules/support/ticket-search';

let server: TestServer;
let agent: string;
let lead: string;
let reports: string;
let customerId: string;

beforeAll(async () => {
  server = await startTestServer();
  [agent, lead, reports] = await Promise.all(
    ['agent@example.com', 'lead@example.com', 'reports@example.com'].map((e) => server.login(e)),
  );
  customerId = await createCustomer(server, agent, 'Initech');
});

afterAll(async () => {
  await server?.close();
});

/** A word no other test uses, of letters only (so the english stemmer treats it as a word). */
function word(): string {
  return `zq${[...randomBytes(5)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

interface Page {
  totalCount: number;
  ids: string[];
  numbers: string[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    endCursor: string | null;
    startCursor: string | null;
  };
}

async function call(query: string, variables: Record<string, unknown>, token = agent) {
  const result = await server.raw(query, variables, token);
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, unknown>;
}

async function search(
  text: string,
  options: {
    token?: string;
    orderBy?: string;
    first?: number;
    last?: number;
    after?: string | null;
    before?: string | null;
    filter?: Record<string, unknown>;
  } = {},
): Promise<Page> {
  const data = await call(
    `query($filter: TicketFilter, $orderBy: TicketOrder, $first: Int, $last: Int, $after: String, $before: String) {
      tickets(filter: $filter, orderBy: $orderBy, first: $first, last: $last, after: $after, before: $before) {
        totalCount nodes { id number } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`,
    {
      filter: { ...options.filter, search: text },
      orderBy: options.orderBy,
      first: options.first ?? (options.last ? undefined : 50),
      last: options.last,
      after: options.after,
      before: options.before,
    },
    options.token,
  );
  const tickets = data.tickets as {
    totalCount: number;
    nodes: { id: string; number: string }[];
    pageInfo: Page['pageInfo'];
  };
  return {
    totalCount: tickets.totalCount,
    ids: tickets.nodes.map((node) => node.id),
    numbers: tickets.nodes.map((node) => node.number),
    pageInfo: tickets.pageInfo,
  };
}

async function newTicket(subject: string, body: string, customer = customerId): Promise<string> {
  const data = await call(
    `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { code message } } }`,
    { input: { customerId: customer, subject, body, channel: 'EMAIL' } },
  );
  const payload = data.createTicket as { ticket: { id: string } | null; userErrors: unknown[] };
  expect(payload.userErrors).toEqual([]);
  return (payload.ticket as { id: string }).id;
}

async function reply(ticketId: string, body: string, internal = false): Promise<void> {
  const data = await call(
    `mutation($input: ReplyToTicketInput!) { replyToTicket(input: $input) { userErrors { code message } } }`,
    { input: { ticketId, body, internal } },
  );
  expect((data.replyToTicket as { userErrors: unknown[] }).userErrors).toEqual([]);
}

async function newCustomer(name: string): Promise<string> {
  const suffix = word();
  const data = await call(
    `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code } } }`,
    { input: { name, email: `${suffix}@example.org` } },
  );
  return (data.createCustomer as { customer: { id: string } }).customer.id;
}

describe('ticket search', () => {
  it('finds a word in a subject, a customer name and a message, ranked in that order by default', async () => {
    const w = word();
    const inSubject = await newTicket(`${w} invoice is wrong`, 'Please check the amount');
    const named = await newCustomer(`${w} Industries`);
    const inName = await newTicket('Delivery question', 'Where is my parcel?', named);
    const inMessage = await newTicket('Printer trouble', `The ${w} printer jams every morning`);
    // Default order with a search: RELEVANCE (subject A > customer name B > message C).
    const ranked = await search(w);
    expect(ranked).toMatchObject({ totalCount: 3, ids: [inSubject, inName, inMessage] });
    expect(await search(w, { orderBy: 'RELEVANCE' })).toEqual(ranked);
    // An explicit order is kept: newest first.
    expect((await search(w, { orderBy: 'CREATED' })).ids).toEqual([inMessage, inName, inSubject]);
    // REPORTING finds the same (nothing here is a note), case does not matter.
    expect((await search(w.toUpperCase(), { token: reports })).ids).toEqual(ranked.ids);
  });

  it('stems words, matches the word being typed as a prefix, and reads web search syntax', async () => {
    const w = word();
    const refund = await newTicket(
      'Billing',
      `I want ${w}refunds for both orders, the blue box arrived broken`,
    );
    const other = await newTicket('Billing', `Another ${w}refund question about the red box`);
    // "refunds" and "refund" are one word to the english stemmer.
    expect((await search(`${w}refund`)).totalCount).toBe(2);
    expect((await search(`${w}refunds`)).totalCount).toBe(2);
    // The last word, while typed, as a prefix; not once a space follows it.
    expect((await search(`${w}ref`)).totalCount).toBe(2);
    expect((await search(`${w}ref `)).totalCount).toBe(0);
    // Every word must appear; quoted phrases; or; -word.
    expect((await search(`${w}refund blue`)).ids).toEqual([refund]);
    expect((await search(`${w}refund "box arrived"`)).ids).toEqual([refund]);
    expect((await search(`${w}refund "arrived box"`)).ids).toEqual([]);
    expect((await search(`${w}refund -blue`)).ids).toEqual([other]);
    expect((await search(`${w}nothing or ${w}refunds`)).totalCount).toBe(2);
    expect((await search(`${w}refunds or ${w}nothing`)).totalCount).toBe(2);
    expect((await search(`${w}refunds or ${w}nothing `)).totalCount).toBe(2);
    // Garbage never errors: it finds what its words find (here nothing).
    for (const text of [
      '"',
      '!!!',
      '-',
      'or',
      ')(:*&|',
      "'",
      'the',
      '"unclosed phrase',
      '\\',
      '%_',
    ]) {
      for (const orderBy of ['RELEVANCE', 'SLA_DUE']) {
        const page = await search(text, { orderBy });
        expect(page.totalCount).toBe(page.ids.length);
      }
    }
  });

  it('never finds a ticket by a note for a viewer who may not read notes, in any order', async () => {
    const publicWord = word();
    const noteWord = word();
    const ticket = await newTicket('Account locked', `Customer says ${publicWord} happened`);
    await reply(ticket, `Fraud suspected, see case ${noteWord}`, true);
    for (const orderBy of ['RELEVANCE', 'CREATED', 'SLA_DUE']) {
      expect((await search(noteWord, { orderBy })).ids).toEqual([ticket]);
      expect((await search(noteWord, { orderBy, token: lead })).ids).toEqual([ticket]);
      expect(await search(noteWord, { orderBy, token: reports })).toMatchObject({
        totalCount: 0,
        ids: [],
      });
      // A public word with a note word: the note readers find it (one document), REPORTING not.
      expect((await search(`${publicWord} ${noteWord}`, { orderBy })).ids).toEqual([ticket]);
      expect((await search(`${publicWord} ${noteWord}`, { orderBy, token: reports })).ids).toEqual(
        [],
      );
      expect(
        (await search(`${publicWord} ${noteWord.slice(0, 5)}`, { orderBy, token: reports })).ids,
      ).toEqual([]);
      expect((await search(publicWord, { orderBy, token: reports })).ids).toEqual([ticket]);
    }
  });

  it('follows new messages, subject edits, customer renames and merges', async () => {
    const [early, late, renamed, moved] = [word(), word(), word(), word()];
    const customer = await newCustomer('Old Name Ltd');
    const ticket = await newTicket(`About ${early}`, 'First words', customer);
    expect((await search(early)).ids).toEqual([ticket]);

    await reply(ticket, `Later words: ${late}`);
    expect((await search(late, { token: reports })).ids).toEqual([ticket]);

    const edited = await call(
      `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { userErrors { code } } }`,
      { input: { ticketId: ticket, subject: 'A new subject' } },
    );
    expect(edited.updateTicket).toEqual({ userErrors: [] });
    expect((await search(early)).ids).toEqual([]);
    expect((await search(late)).ids).toEqual([ticket]);

    const rename = await call(
      `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { userErrors { code } } }`,
      { input: { id: customer, name: `${renamed} Holdings` } },
    );
    expect(rename.updateCustomer).toEqual({ userErrors: [] });
    expect((await search(renamed)).ids).toEqual([ticket]);
    expect((await search('Old Name Ltd')).ids).not.toContain(ticket);

    // A merge moves the duplicate's messages (and their words) to the target.
    const duplicate = await newTicket('Same problem again', `Duplicate says ${moved}`, customer);
    expect((await search(moved)).ids).toEqual([duplicate]);
    const merged = await call(
      `mutation($input: MergeTicketInput!) { mergeTicket(input: $input) { userErrors { code message } } }`,
      { input: { sourceTicketId: duplicate, targetTicketId: ticket } },
    );
    expect(merged.mergeTicket).toEqual({ userErrors: [] });
    expect((await search(moved)).ids).toEqual([ticket]);
    expect((await search(`${late} ${moved}`, { token: reports })).ids).toEqual([ticket]);
  });

  it('pages RELEVANCE by cursor, both ways, with no gap or duplicate, combined with other filters', async () => {
    const w = word();
    const ids: string[] = [];
    // Scores spread by where the word is and how often; several tie (same text).
    for (let index = 0; index < 9; index += 1) {
      const subject = index % 3 === 0 ? `${w} problem ${index}` : `Problem ${index}`;
      const body = `${Array.from({ length: 1 + (index % 4) }, () => w).join(' then ')} occurred`;
      ids.push(await newTicket(subject, body));
    }
    const whole = await search(w, { first: 100 });
    expect(whole.totalCount).toBe(9);
    expect([...whole.ids].sort()).toEqual([...ids].sort());
    // Subject matches first.
    expect(whole.ids.slice(0, 3).sort()).toEqual([ids[0], ids[3], ids[6]].sort());

    const forwards: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await search(w, { first: 2, after });
      expect(page.totalCount).toBe(9);
      forwards.push(...page.ids);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(forwards).toEqual(whole.ids);

    const backwards: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page: Page = await search(w, { last: 4, before });
      backwards.unshift(...page.ids);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backwards).toEqual(whole.ids);

    // With other filters: the same order, narrowed.
    await call(
      `mutation($input: UpdateTicketStatusInput!) { updateTicketStatus(input: $input) { userErrors { code } } }`,
      { input: { ticketId: ids[3], status: 'PENDING' } },
    );
    const pending = await search(w, { filter: { status: ['PENDING'] } });
    expect(pending).toMatchObject({ totalCount: 1, ids: [ids[3]] });
    const open = await search(w, { filter: { status: ['NEW', 'OPEN'] }, first: 3 });
    expect(open.totalCount).toBe(8);
    expect(open.ids).toEqual(whole.ids.filter((id) => id !== ids[3]).slice(0, 3));
    const me = (await call('{ me { id } }', {})).me as { id: string };
    await call(
      `mutation($input: AssignTicketInput!) { assignTicket(input: $input) { userErrors { code } } }`,
      { input: { ticketId: ids[5], assigneeId: me.id } },
    );
    expect(await search(w, { filter: { assigneeId: me.id } })).toMatchObject({
      totalCount: 1,
      ids: [ids[5]],
    });

    // A cursor of another order is refused, not misread.
    const created = await search(w, { orderBy: 'CREATED', first: 1 });
    const refused = await server.raw(
      `query($after: String) { tickets(filter: { search: "${w}" }, first: 2, after: $after) { nodes { id } } }`,
      { after: created.pageInfo.endCursor },
      agent,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('ranks only the newest matches and lists the older ones after them, newest first', async () => {
    const w = word();
    // RANKED_CANDIDATES + 5 matching tickets by SQL (the service would take long): the newest
    // RANKED_CANDIDATES are ranked.
    const total = RANKED_CANDIDATES + 5;
    const sql = new Client({ connectionString: server.database.url });
    await sql.connect();
    const prefix = `T-S${w.slice(2)}-`;
    try {
      const customer = await sql.query<{ id: string }>('SELECT min(id) AS id FROM customer');
      await sql.query(
        `INSERT INTO ticket (number, subject, customer_id, status, priority, priority_rank, channel, tags,
                             first_response_due_at, resolution_due_at, next_due_at, created_at, updated_at)
         SELECT $2 || i, CASE WHEN i <= 2 THEN $1 || ' in the subject' ELSE 'Plain ' || $1 END,
                $3, 'OPEN', 'NORMAL', 1, 'EMAIL', '{}', now(), now(), now(), now(), now()
           FROM generate_series(1, $4::int) i ORDER BY i`,
        [w, prefix, customer.rows[0].id, total],
      );
    } finally {
      await sql.end();
    }
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = await search(w, { first: 100, after, token: reports });
      expect(page.totalCount).toBe(total);
      all.push(...page.numbers);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(all).size).toBe(total);
    // The newest RANKED_CANDIDATES are ranked: the two with the word in their subject are too old to be among
    // them, so the first pages hold plain matches, and the five oldest follow, newest first.
    expect(all.slice(RANKED_CANDIDATES)).toEqual([5, 4, 3, 2, 1].map((i) => `${prefix}${i}`));
    expect(all.slice(0, RANKED_CANDIDATES)).not.toContain(`${prefix}1`);
  });
});

describe('live ticket search', () => {
  it('announces a public message to every reader of a search queue, and a note only to note readers', async () => {
    const w = word();
    const ticket = await newTicket('Live search', 'Nothing yet');
    const filter = { ticketId: ticket, search: w };
    const forAgent = await followTicketQueue(server, agent, filter);
    const forReporting = await followTicketQueue(server, reports, filter);
    // The ticket's CREATED event may come too: the subscriptions can start before this instance
    // has announced it, and it is then checked against the ticket as it is by then (with the
    // word). What is checked here is which messages each viewer hears of.
    const messageEvents = async (received: typeof forAgent, count: number) => {
      for (;;) {
        const messages = received.items.filter((event) => event.type !== 'CREATED');
        if (messages.length >= count) return messages;
        await received.waitFor(received.items.length + 1);
      }
    };
    try {
      await reply(ticket, `Internal: ${w} is the cause`, true);
      await reply(ticket, `We found the cause: ${w}`);
      // The note's event reaches the agent; the public reply's reaches both: the search document
      // had the word when the event was checked.
      const agentEvents = await messageEvents(forAgent, 2);
      expect(agentEvents.map((event) => event.type)).toEqual(['MESSAGE_ADDED', 'MESSAGE_ADDED']);
      // A second public reply: events arrive in commit order, so once REPORTING has heard of it,
      // it has heard of everything before it, and the note is not among it.
      await reply(ticket, `Still ${w}`);
      const reportingEvents = await messageEvents(forReporting, 2);
      expect(reportingEvents.map((event) => [event.type, event.queue])).toEqual([
        ['MESSAGE_ADDED', 'STAYED'],
        ['MESSAGE_ADDED', 'STAYED'],
      ]);
      expect(await messageEvents(forAgent, 3)).toHaveLength(3);
    } finally {
      await Promise.all([forAgent.stop(), forReporting.stop()]);
    }
  });
});
