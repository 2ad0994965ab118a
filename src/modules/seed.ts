import type { MikroORM } from '@mikro-orm/postgresql';
import type { Viewer } from './common/viewer';
import type { Logger } from '../logger';
import { inTransaction } from '../db/transaction';
import { Role } from './common/role';
import { Product } from './catalog/product.entity';
import { Customer } from './customers/customer.entity';
import { Department, Employee } from './employees/employee.entity';
import { PayrollRun } from './employees/payroll.entity';
import type { EmployeeService } from './employees/employee.service';
import { Order, OrderStatus } from './orders/order.entity';
import {
  Macro,
  Ticket,
  TicketChannel,
  TicketPriority,
  TicketQueue,
  TicketStatus,
} from './support/ticket.entity';
import { createDomainServices, type DomainServices } from './services';
import { Account, AccountType, CashFlowSection, JournalEntry } from './ledger/ledger.entity';
import { today } from './common/calendar-dates';
import { DunningPolicy } from './collections/collections.entity';
import { BankAccount, BankRuleDirection } from './banking/bank.entity';
import { Invoice, SettlementStatus } from './ledger/receivables.entity';
import { StandardAccount } from './ledger/ledger.service';
import { creditorReference } from './ledger/payment-reference';
import { BOOK_CURRENCY, formatMinorUnits } from './common/money';
import { seedChecklistsAndTraining } from './people/training.seed';
import { seedRecruiting } from './people/recruiting-seed';
import { seedPurchasing } from './purchasing/purchasing-seed';
import { seedAssets } from './assets/assets-seed';
import { Asset } from './assets/asset.entity';
import { seedPrivacyRequests } from './compliance/privacy-seed';
import { seedLegalHolds } from './compliance/compliance-seed';
import { PERSONAL_DATA_SOURCES } from './personal-data';

export const DEMO_PASSWORD = 'demo-password';

/** The demo employees from the API contract: one per role, in departments, with salaries. */
export const DEMO_EMPLOYEES: readonly {
  email: string;
  name: string;
  title: string;
  roles: Role[];
  department: string;
  manager: string | null;
  salary: string;
}[] = [
  {
    email: 'admin@example.com',
    name: 'Ada Admin',
    title: 'Operations Director',
    roles: [Role.ADMIN],
    department: 'Operations',
    manager: null,
    salary: '150000.00',
  },
  {
    email: 'agent@example.com',
    name: 'Sam Agent',
    title: 'Support Agent',
    roles: [Role.SUPPORT_AGENT],
    department: 'Customer Support',
    manager: 'lead@example.com',
    salary: '52000.00',
  },
  {
    email: 'lead@example.com',
    name: 'Lee Lead',
    title: 'Support Team Lead',
    roles: [Role.SUPPORT_LEAD],
    department: 'Customer Support',
    manager: 'admin@example.com',
    salary: '68000.00',
  },
  {
    email: 'accountant@example.com',
    name: 'Cora Accountant',
    title: 'Accountant',
    roles: [Role.ACCOUNTANT],
    department: 'Finance',
    manager: 'admin@example.com',
    salary: '72000.00',
  },
  {
    email: 'hr@example.com',
    name: 'Hana HR',
    title: 'HR Manager',
    roles: [Role.HR],
    department: 'People',
    manager: 'admin@example.com',
    salary: '70000.00',
  },
  {
    email: 'warehouse@example.com',
    name: 'Wes Warehouse',
    title: 'Warehouse Lead',
    roles: [Role.FULFILLMENT],
    department: 'Warehouse',
    manager: 'admin@example.com',
    salary: '48000.00',
  },
  {
    email: 'reports@example.com',
    name: 'Rae Reports',
    title: 'Business Analyst',
    roles: [Role.REPORTING],
    department: 'Finance',
    manager: 'accountant@example.com',
    salary: '61000.00',
  },
  {
    email: 'it@example.com',
    name: 'Ian IT',
    title: 'IT Support Specialist',
    roles: [Role.IT_SUPPORT],
    department: 'IT',
    manager: 'admin@example.com',
    salary: '64000.00',
  },
  {
    email: 'compliance@example.com',
    name: 'Cam Compliance',
    title: 'Compliance Officer',
    roles: [Role.COMPLIANCE],
    department: 'Legal',
    manager: 'admin@example.com',
    salary: '76000.00',
  },
];

const DEMO_DEPARTMENTS: readonly { name: string; parent: string | null }[] = [
  { name: 'Operations', parent: null },
  { name: 'Customer Support', parent: 'Operations' },
  { name: 'Warehouse', parent: 'Operations' },
  { name: 'IT', parent: 'Operations' },
  { name: 'Finance', parent: null },
  { name: 'People', parent: null },
];

/** The start of the previous calendar year: demo staff were all employed before any demo payroll. */
function demoHireDate(): string {
  return `${new Date().getUTCFullYear() - 1}-01-01`;
}

async function seedEmployees(orm: MikroORM, employees: EmployeeService): Promise<number> {
  return inTransaction(orm.em, async (em) => {
    const departments = new Map<string, Department>();
    for (const demo of DEMO_DEPARTMENTS) {
      const department =
        (await em.findOne(Department, { name: demo.name })) ??
        em.create(Department, {
          name: demo.name,
          parent: demo.parent ? (departments.get(demo.parent) ?? null) : null,
        });
      departments.set(demo.name, department);
    }
    await em.flush();
    let created = 0;
    const byEmail = new Map<string, Employee>();
    for (const demo of DEMO_EMPLOYEES) {
      const existing = await em.findOne(Employee, { email: demo.email });
      if (existing) {
        byEmail.set(demo.email, existing);
        continue;
      }
      const employee = await employees.create(
        em,
        {
          name: demo.name,
          email: demo.email,
          title: demo.title,
          roles: demo.roles,
          departmentId: departments.get(demo.department)?.id ?? null,
          managerId: demo.manager ? (byEmail.get(demo.manager)?.id ?? null) : null,
          hireDate: demoHireDate(),
          salary: demo.salary,
          password: DEMO_PASSWORD,
        },
        null,
      );
      byEmail.set(demo.email, employee);
      created += 1;
    }
    for (const [name, headEmail] of [
      ['Customer Support', 'lead@example.com'],
      ['Finance', 'accountant@example.com'],
      ['People', 'hr@example.com'],
      ['Warehouse', 'warehouse@example.com'],
      ['Operations', 'admin@example.com'],
    ] as const) {
      const department = departments.get(name);
      if (department && department.headId === null)
        department.headId = byEmail.get(headEmail)?.id ?? null;
    }
    await em.flush();
    return created;
  });
}

const DEMO_CUSTOMERS = [
  {
    name: 'Northwind Traders',
    email: 'orders@northwind.example',
    company: 'Northwind Traders',
    phone: '+1 555 0101',
  },
  {
    name: 'Ada Lovelace',
    email: 'ada@analytical.example',
    company: 'Analytical Engines Ltd',
    phone: '+44 20 7946 0001',
  },
  {
    name: 'Contoso Retail',
    email: 'buying@contoso.example',
    company: 'Contoso',
    phone: '+1 555 0102',
  },
  { name: 'Grace Hopper', email: 'grace@cobol.example', company: null, phone: null },
  {
    name: 'Initech',
    email: 'purchasing@initech.example',
    company: 'Initech',
    phone: '+1 555 0103',
  },
  {
    name: 'Umbrella Supplies',
    email: 'ops@umbrella.example',
    company: 'Umbrella Supplies',
    phone: null,
  },
];

const DEMO_PRODUCTS = [
  { sku: 'DESK-OAK', name: 'Oak standing desk', price: '649.00', cost: '310.00', initialStock: 25 },
  { sku: 'CHAIR-ERGO', name: 'Ergonomic chair', price: '389.00', cost: '170.00', initialStock: 40 },
  { sku: 'LAMP-LED', name: 'LED desk lamp', price: '59.90', cost: '21.50', initialStock: 120 },
  { sku: 'MON-27', name: '27" monitor', price: '279.00', cost: '190.00', initialStock: 30 },
  { sku: 'CABLE-USBC', name: 'USB-C cable, 2 m', price: '12.99', cost: '2.10', initialStock: 500 },
  { sku: 'DOCK-TB4', name: 'Thunderbolt dock', price: '229.00', cost: '120.00', initialStock: 3 },
];

/** Demo orders: which customer, what, and how far along fulfilment they are. */
const DEMO_ORDERS: { customer: number; lines: [number, number][]; status: OrderStatus }[] = [
  {
    customer: 0,
    lines: [
      [0, 2],
      [1, 2],
    ],
    status: OrderStatus.DELIVERED,
  },
  {
    customer: 1,
    lines: [
      [2, 1],
      [4, 3],
    ],
    status: OrderStatus.SHIPPED,
  },
  { customer: 2, lines: [[3, 4]], status: OrderStatus.PACKED },
  {
    customer: 3,
    lines: [
      [5, 1],
      [4, 1],
    ],
    status: OrderStatus.PICKING,
  },
  { customer: 4, lines: [[1, 6]], status: OrderStatus.PLACED },
  { customer: 5, lines: [[2, 10]], status: OrderStatus.CANCELLED },
  {
    customer: 0,
    lines: [
      [4, 20],
      [2, 5],
    ],
    status: OrderStatus.PLACED,
  },
];

const PATH_TO: Record<OrderStatus, OrderStatus[]> = {
  [OrderStatus.PLACED]: [],
  [OrderStatus.PICKING]: [OrderStatus.PICKING],
  [OrderStatus.PACKED]: [OrderStatus.PICKING, OrderStatus.PACKED],
  [OrderStatus.SHIPPED]: [OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED],
  [OrderStatus.DELIVERED]: [
    OrderStatus.PICKING,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
  ],
  [OrderStatus.CANCELLED]: [OrderStatus.CANCELLED],
};

/** Customers, products with stock and orders in every status, made through the services so every rule and event holds. */
async function seedBusiness(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<{ customers: number; products: number; orders: number }> {
  const { customers: customersService, catalog, orders } = services;
  const em = orm.em.fork();
  const admin = await viewerFor('admin@example.com');
  const warehouse = await viewerFor('warehouse@example.com');
  const agent = await viewerFor('agent@example.com');

  const customerIds: number[] = [];
  for (const demo of DEMO_CUSTOMERS) {
    const existing = await em.findOne(Customer, { email: demo.email });
    customerIds.push(
      existing ? existing.id : (await customersService.create({ em }, agent, demo)).customer.id,
    );
  }
  const productIds: number[] = [];
  for (const demo of DEMO_PRODUCTS) {
    const existing = await em.findOne(Product, { sku: demo.sku });
    productIds.push(
      existing ? existing.id : (await catalog.createProduct({ em }, warehouse, demo)).product.id,
    );
  }
  let placed = 0;
  for (const [index, demo] of DEMO_ORDERS.entries()) {
    const { order } = await orders.placeOrder({ em }, agent, {
      customerId: customerIds[demo.customer],
      lines: demo.lines.map(([product, quantity]) => ({
        productId: productIds[product],
        quantity,
      })),
      idempotencyKey: `demo-order-${index}`,
    });
    if (order.status !== OrderStatus.PLACED) continue; // placed by an earlier run
    placed += 1;
    for (const step of PATH_TO[demo.status]) {
      if (step === OrderStatus.PICKING) await orders.startPicking({ em }, warehouse, order.id);
      if (step === OrderStatus.PACKED) await orders.pack({ em }, warehouse, order.id);
      if (step === OrderStatus.SHIPPED)
        await orders.ship({ em }, warehouse, order.id, 'DHL', `JD01460000${index}`);
      if (step === OrderStatus.DELIVERED) await orders.deliver({ em }, warehouse, order.id);
      if (step === OrderStatus.CANCELLED)
        await orders.cancel({ em }, admin, order.id, 'Customer ordered by mistake');
    }
  }
  return { customers: customerIds.length, products: productIds.length, orders: placed };
}

/** Tickets in every status, with conversations. Seeded once: tickets have no natural key. */
async function seedTickets(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(Ticket, {})) > 0) return 0;
  const agent = await viewerFor('agent@example.com');
  const lead = await viewerFor('lead@example.com');
  const { support, satisfaction } = services;
  /** The customer's answer to the survey the ticket's solve sent. */
  const rate = async (ticketId: number, rating: number, comment: string | null) => {
    const survey = await satisfaction.latestOfTicket({ em }, ticketId);
    if (survey) await satisfaction.answer({ em }, survey.id, rating, comment);
  };
  const customers = await em.find(
    Customer,
    { email: { $in: DEMO_CUSTOMERS.map((c) => c.email) } },
    { orderBy: { id: 'asc' } },
  );
  const orders = await em.find(
    Order,
    { customer: { $in: customers.map((c) => c.id) } },
    { orderBy: { id: 'asc' } },
  );
  const orderOf = (customerId: number) =>
    orders.find((o) => o.customer.id === customerId)?.id ?? null;
  const scripts: {
    customer: number;
    subject: string;
    body: string;
    priority: TicketPriority;
    steps: (id: number) => Promise<unknown>;
  }[] = [
    {
      customer: 0,
      subject: 'Where is my desk?',
      body: 'Our order has not arrived yet. Can you check?',
      priority: TicketPriority.HIGH,
      steps: async () => undefined,
    },
    {
      customer: 1,
      subject: 'Invoice address is wrong',
      body: 'The invoice shows our old address in Cambridge.',
      priority: TicketPriority.NORMAL,
      steps: async (id) => {
        await support.assign({ em }, agent, id, agent.employeeId);
        await support.reply({ em }, agent, {
          ticketId: id,
          body: 'Thanks Ada, I am correcting it now.',
        });
      },
    },
    {
      customer: 2,
      subject: 'Monitor flickers',
      body: 'One of the 27" monitors flickers after ten minutes.',
      priority: TicketPriority.NORMAL,
      steps: async (id) => {
        await support.reply({ em }, agent, {
          ticketId: id,
          body: 'Could you send us the serial number on the back?',
        });
        await support.updateStatus({ em }, agent, id, TicketStatus.PENDING);
      },
    },
    {
      customer: 3,
      subject: 'Dock not recognised',
      body: 'The Thunderbolt dock is not recognised by my laptop.',
      priority: TicketPriority.URGENT,
      steps: async (id) => {
        await support.reply({ em }, agent, {
          ticketId: id,
          body: 'Asked the vendor for a firmware image.',
          internal: true,
        });
        await support.updateStatus({ em }, agent, id, TicketStatus.ON_HOLD);
      },
    },
    {
      customer: 4,
      subject: 'Change delivery date',
      body: 'Can the chairs arrive next week instead?',
      priority: TicketPriority.LOW,
      steps: async (id) => {
        await support.reply({ em }, agent, {
          ticketId: id,
          body: 'Done: delivery moved to next Tuesday.',
        });
        await support.updateStatus({ em }, agent, id, TicketStatus.SOLVED);
        await rate(id, 5, 'Quick and friendly, thank you!');
      },
    },
    {
      customer: 5,
      subject: 'Cancelled order refund',
      body: 'When will the refund for my cancelled order arrive?',
      priority: TicketPriority.NORMAL,
      steps: async (id) => {
        await support.assign({ em }, lead, id, lead.employeeId);
        await support.reply({ em }, lead, {
          ticketId: id,
          body: 'Nothing was charged for that order, so no refund is due.',
        });
        await support.updateStatus({ em }, lead, id, TicketStatus.SOLVED);
        await rate(id, 3, 'A clear answer, but it took a while.');
        await support.updateStatus({ em }, lead, id, TicketStatus.CLOSED);
      },
    },
  ];
  for (const script of scripts) {
    const customer = customers[script.customer];
    if (!customer) continue;
    const { ticket } = await support.createTicket({ em }, agent, {
      customerId: customer.id,
      subject: script.subject,
      body: script.body,
      priority: script.priority,
      channel: TicketChannel.EMAIL,
      orderId: script.customer === 0 ? orderOf(customer.id) : null,
    });
    await script.steps(ticket.id);
  }
  return scripts.length;
}

/**
 * Employees' IT reports on the IT queue: one waiting for the employee, one about the demo's
 * floor printer (covered by the repair contract), one solved. Seeded once, after the equipment.
 */
async function seedItTickets(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(Ticket, { queue: TicketQueue.IT })) > 0) return 0;
  const it = await viewerFor('it@example.com');
  const { support } = services;
  const reports: {
    from: string;
    subject: string;
    body: string;
    priority: TicketPriority;
    assetTag?: string;
    steps: (id: number) => Promise<unknown>;
  }[] = [
    {
      from: 'hr@example.com',
      subject: 'VPN drops every few minutes',
      body: 'Since this morning the VPN disconnects every few minutes, so the payroll system logs me out.',
      priority: TicketPriority.HIGH,
      steps: async (id) => {
        await support.assign({ em }, it, id, it.employeeId);
        await support.reply({ em }, it, {
          ticketId: id,
          body: 'Could you tell me which Wi-Fi network you are on? I will push a new VPN profile meanwhile.',
        });
        await support.updateStatus({ em }, it, id, TicketStatus.PENDING);
      },
    },
    {
      from: 'warehouse@example.com',
      subject: 'The floor 2 printer jams',
      body: 'The printer in the floor 2 print corner jams on every third page.',
      priority: TicketPriority.NORMAL,
      assetTag: 'PR-0001',
      steps: async () => undefined,
    },
    {
      from: 'accountant@example.com',
      subject: 'Second monitor',
      body: 'Could I get a second monitor for reconciliations?',
      priority: TicketPriority.LOW,
      steps: async (id) => {
        await support.assign({ em }, it, id, it.employeeId);
        await support.reply({ em }, it, {
          ticketId: id,
          body: 'A 27" monitor is on your desk. Enjoy!',
        });
        await support.updateStatus({ em }, it, id, TicketStatus.SOLVED);
      },
    },
  ];
  for (const report of reports) {
    const asset = report.assetTag ? await em.findOne(Asset, { tag: report.assetTag }) : null;
    const { ticket } = await support.reportItIssue({ em }, await viewerFor(report.from), {
      subject: report.subject,
      body: report.body,
      priority: report.priority,
      assetId: asset?.id ?? null,
    });
    await report.steps(ticket.id);
  }
  return reports.length;
}

/** Canned responses an agent applies from the console; each is seeded once, by name. */
const DEMO_MACROS: readonly {
  name: string;
  body: string;
  setStatus?: TicketStatus;
  addTags?: string[];
}[] = [
  {
    name: 'Order on its way',
    body: 'Hi {{customer.name}}, your order {{order.number}} has left our warehouse and is on its way. We will keep this ticket open until it arrives.\n\n{{agent.name}}',
    setStatus: TicketStatus.PENDING,
    addTags: ['shipping'],
  },
  {
    name: 'Need more details',
    body: 'Hi {{customer.name}}, thanks for getting in touch. Could you send us a photo of the problem and tell us when it started? That helps us sort it out quickly.\n\n{{agent.name}}',
    setStatus: TicketStatus.PENDING,
  },
  {
    name: 'Solved, thank you',
    body: 'Hi {{customer.name}}, glad we could help. We are marking {{ticket.number}} as solved; just reply if anything else comes up.\n\n{{agent.name}}',
    setStatus: TicketStatus.SOLVED,
  },
];

async function seedMacros(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  const existing = new Set(
    (await em.find(Macro, { name: { $in: DEMO_MACROS.map((m) => m.name) } })).map((m) => m.name),
  );
  const lead = await viewerFor('lead@example.com');
  const missing = DEMO_MACROS.filter((macro) => !existing.has(macro.name));
  for (const macro of missing) await services.support.createMacro({ em }, lead, macro);
  return missing.length;
}

/** Accounts the demo adds to the standard chart, classified for the cash flow statement. */
const DEMO_ACCOUNTS = [
  {
    code: '1500',
    name: 'Equipment',
    type: AccountType.ASSET,
    cashFlowSection: CashFlowSection.INVESTING,
  },
  {
    code: '2500',
    name: 'Loans payable',
    type: AccountType.LIABILITY,
    cashFlowSection: CashFlowSection.FINANCING,
  },
] as const;

/** Manual entries that give the cash flow statement investing and financing rows. */
const DEMO_ENTRIES = [
  {
    key: 'demo-entry-loan',
    memo: 'Demo: bank loan received',
    debit: '1000',
    credit: '2500',
    amount: '25000.00',
  },
  {
    key: 'demo-entry-equipment',
    memo: 'Demo: warehouse shelving and forklift bought',
    debit: '1500',
    credit: '1000',
    amount: '8400.00',
  },
] as const;

/**
 * Demo ledger activity beyond invoices: a loan received and equipment bought, on two demo
 * accounts. Each entry is posted once, found again by its memo (its date is the day of the first
 * run, so its idempotency key alone would refuse a later run's other date).
 */
async function seedLedger(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  const accountant = await viewerFor('accountant@example.com');
  const accountIds = new Map<string, number>();
  for (const demo of DEMO_ACCOUNTS) {
    const existing = await em.findOne(Account, { code: demo.code });
    accountIds.set(
      demo.code,
      existing
        ? existing.id
        : (await services.ledger.createAccount({ em }, accountant, demo)).account.id,
    );
  }
  let posted = 0;
  for (const demo of DEMO_ENTRIES) {
    if (await em.count(JournalEntry, { memo: demo.memo, source: 'MANUAL' })) continue;
    const accountId = async (code: string) =>
      accountIds.get(code) ?? (await services.ledger.accountId(em, code));
    await services.ledger.postManualEntry({ em }, accountant, {
      date: today(),
      memo: demo.memo,
      idempotencyKey: demo.key,
      lines: [
        { accountId: await accountId(demo.debit), debit: demo.amount },
        { accountId: await accountId(demo.credit), credit: demo.amount },
      ],
    });
    posted += 1;
  }
  return posted;
}

/**
 * The demo's bank: the operating account on 1000 Cash, a rule for its fees, a CSV mapping, and
 * one statement. The loan and the equipment purchase are matched to the seed's entries, the fee
 * is booked by the rule, and a customer's transfer quoting an open invoice's payment reference
 * waits for the accountant with its suggestion. Seeded once.
 */
async function seedBanking(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(BankAccount, {})) > 0) return 0;
  const accountant = await viewerFor('accountant@example.com');
  const cash = await services.ledger.accountId(em, StandardAccount.CASH);
  const fees = await services.ledger.accountId(em, StandardAccount.OPERATING_EXPENSES);
  const { bankAccount } = await services.banking.createBankAccount({ em }, accountant, {
    name: 'Operating account',
    ledgerAccountId: cash,
    currency: BOOK_CURRENCY,
    iban: 'DE89370400440532013000',
    bic: 'COBADEFFXXX',
  });
  const { rule } = await services.banking.createBankRule({ em }, accountant, {
    name: 'Bank fees',
    direction: BankRuleDirection.DEBIT,
    textContains: 'account fee',
    maxAmount: '100.00',
    accountId: fees,
    memo: 'Bank charges',
  });
  const { csvMapping } = await services.banking.createCsvMapping({ em }, accountant, {
    name: 'Demo bank CSV export',
    dateColumn: 'Date',
    amountColumn: 'Amount',
    counterpartyColumn: 'Counterparty',
    referenceColumn: 'Reference',
    remittanceColumn: 'Text',
    idColumn: 'Id',
    currency: BOOK_CURRENCY,
  });
  const open = await em.findOne(
    Invoice,
    { status: SettlementStatus.OPEN },
    { orderBy: { id: 'asc' }, populate: ['customer'] },
  );
  const date = today();
  // The transfer waiting for the accountant comes first: the first page shows its suggestion.
  const rows = [
    ...(open
      ? [
          [
            'DEMO-4',
            date,
            open.customer.name,
            creditorReference(open.number),
            'Thank you',
            formatMinorUnits(open.totalMinor),
          ],
        ]
      : []),
    ['DEMO-1', date, 'Demo Bank Loans', '', 'Loan disbursement', '25000.00'],
    ['DEMO-2', date, 'Shelving Supplies Inc', '', 'Shelving and forklift', '-8400.00'],
    ['DEMO-3', date, '', '', 'Monthly account fee', '-4.90'],
  ];
  const csv = ['Id,Date,Counterparty,Reference,Text,Amount', ...rows.map((row) => row.join(','))];
  const { statements } = await services.statementImport.importStatement({ em }, accountant, {
    bankAccountId: bankAccount.id,
    format: 'CSV',
    content: `${csv.join('\n')}\n`,
    csvMappingId: csvMapping.id,
  });
  const lines = await services.banking.statementLines(em, statements[0].id);
  const line = (id: string) => lines.find((l) => l.bankReference === id)?.id ?? 0;
  const entryId = async (memo: string) =>
    (await em.findOneOrFail(JournalEntry, { memo, source: 'MANUAL' })).id;
  await services.reconciliation.reconcileLine({ em }, accountant, {
    lineId: line('DEMO-1'),
    matches: [{ journalEntryId: await entryId(DEMO_ENTRIES[0].memo), amount: '25000.00' }],
  });
  await services.reconciliation.reconcileLine({ em }, accountant, {
    lineId: line('DEMO-2'),
    matches: [{ journalEntryId: await entryId(DEMO_ENTRIES[1].memo), amount: '8400.00' }],
  });
  await services.reconciliation.reconcileLine({ em }, accountant, {
    lineId: line('DEMO-3'),
    matches: [{ ruleId: rule.id, amount: '4.90' }],
  });
  return lines.length;
}

/** Whether the database holds no data yet (a fresh install). */
export async function isEmptyDatabase(orm: MikroORM): Promise<boolean> {
  return (await orm.em.fork().count(Employee, {})) === 0;
}

/** The demo's default dunning policy: a reminder, then fees and 8% interest. Seeded once. */
async function seedDunningPolicy(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(DunningPolicy, {})) > 0) return 0;
  const accountant = await viewerFor('accountant@example.com');
  await services.collections.setDunningPolicy({ em }, accountant, {
    name: 'Standard',
    isDefault: true,
    levels: [
      {
        level: 1,
        daysOverdue: 7,
        fee: '0.00',
        annualInterestRate: '0.00',
        letterText:
          'This is a friendly reminder that the invoices below are past due. If you have already paid, please ignore this letter.',
      },
      {
        level: 2,
        daysOverdue: 21,
        fee: '5.00',
        annualInterestRate: '8.00',
        letterText:
          'The invoices below are still unpaid. We have charged a late fee and interest; please pay the total due now.',
      },
      {
        level: 3,
        daysOverdue: 45,
        fee: '15.00',
        annualInterestRate: '8.00',
        letterText:
          'Final notice: unless the total due reaches us within 10 days, we will pass the matter to a collection agency.',
      },
    ],
  });
  return 1;
}

/**
 * The demo's payroll: last year's November and December, posted, and last year's year-end
 * statements issued, so every demo employee has payslips and documents. Seeded once.
 */
async function seedPayroll(
  orm: MikroORM,
  services: DomainServices,
  viewerFor: (email: string) => Promise<Viewer>,
): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(PayrollRun, {})) > 0) return 0;
  const hr = await viewerFor('hr@example.com');
  const lastYear = new Date().getUTCFullYear() - 1;
  for (const [periodStart, periodEnd] of [
    [`${lastYear}-11-01`, `${lastYear}-11-30`],
    [`${lastYear}-12-01`, `${lastYear}-12-31`],
  ]) {
    const { payrollRun } = await services.payroll.run({ em }, hr, { periodStart, periodEnd });
    await services.payroll.post({ em }, hr, payrollRun.id);
  }
  await services.employeeDocuments.issueYearEndStatements({ em }, hr, lastYear);
  return 2;
}

/**
 * Fills the database with demo data. Idempotent: running it again adds only what is missing.
 */
export async function seedDemoData(orm: MikroORM, logger: Logger): Promise<void> {
  const services = createDomainServices();
  const employees = await seedEmployees(orm, services.employees);
  const viewerFor = async (email: string): Promise<Viewer> => {
    const employee = await orm.em.fork().findOneOrFail(Employee, { email });
    return { employeeId: employee.id, roles: new Set(employee.roles), via: 'session' };
  };
  const business = await seedBusiness(orm, services, viewerFor);
  const tickets = await seedTickets(orm, services, viewerFor);
  const macros = await seedMacros(orm, services, viewerFor);
  const entries = await seedLedger(orm, services, viewerFor);
  const dunningPolicies = await seedDunningPolicy(orm, services, viewerFor);
  const bankLines = await seedBanking(orm, services, viewerFor);
  const payrollRuns = await seedPayroll(orm, services, viewerFor);
  const courses = await seedChecklistsAndTraining(
    orm,
    services,
    viewerFor,
    DEMO_EMPLOYEES.map((e) => e.email),
  );
  const applications = await seedRecruiting(orm, services.recruiting, viewerFor);
  // Assets before purchasing: purchasing's bills (matched, one with an approved variance) stay the
  // newest, which the bill lists show first.
  const assets = await seedAssets(orm, services, viewerFor);
  const purchaseOrders = await seedPurchasing(orm, services, viewerFor);
  const itTickets = await seedItTickets(orm, services, viewerFor);
  const privacyRequests = await seedPrivacyRequests(orm, PERSONAL_DATA_SOURCES, viewerFor);
  const legalHolds = await seedLegalHolds(orm, services, viewerFor);
  logger.info(
    {
      employees,
      ...business,
      tickets,
      itTickets,
      macros,
      entries,
      dunningPolicies,
      bankLines,
      payrollRuns,
      courses,
      applications,
      purchaseOrders,
      assets,
      privacyRequests,
      legalHolds,
    },
    'demo data seeded',
  );
}
