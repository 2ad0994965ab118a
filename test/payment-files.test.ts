import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import {
  CreateAccountDocument,
  CreateBankAccountDocument,
  CreatePaymentFileDocument,
  EmployeeBankAccountDocument,
  HireEmployeeDocument,
  PaymentFileFullDocument,
  PaymentFilesDocument,
  PostPayrollRunDocument,
  ReturnPaymentDocument,
  RunPayrollDocument,
  SetEmployeeBankAccountDocument,
  SettlePaymentFileDocument,
  TerminateEmployeeDocument,
  VoidPaymentFileDocument,
  type CreatePaymentFileMutation,
  type SetEmployeeBankAccountInput,
} from './generated/graphql';
import { errorCode, uniqueSuffix } from './support/fixtures';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestServer } from './support/test-server';

/** A file as createPaymentFile answers it to HR. */
type FullFile = NonNullable<CreatePaymentFileMutation['createPaymentFile']['paymentFile']>;

const PERIOD = { periodStart: '2027-02-01', periodEnd: '2027-02-28' };
const EXECUTION_DATE = '2027-03-01';
const PASSWORD = 'a-long-enough-password';

/** Valid IBANs of several countries, handed out in turn. */
const IBANS = [
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'GB29NWBK60161331926819',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'BE68539007547034',
  'AT611904300234573201',
];
/** Valid ABA routing numbers. */
const ROUTING = ['011000015', '021000021', '026009593', '121000358', '322271627'];

const cents = (amount: string) => BigInt(amount.replace('.', ''));

/** Everything a test needs of one server: people, a posted run, the paying account. */
interface Scene {
  server: TestServer;
  hr: string;
  accountant: string;
  joiner: { id: string; name: string; email: string };
  leaver: { id: string; name: string; email: string };
  run: { id: string; totalNet: string; payslips: { employeeId: string; net: string }[] };
  bankAccountId: string;
  bankLedgerCode: string;
  /** 2110 Net pay clearing before the run was posted (the demo's own runs are never paid). */
  clearingBefore: bigint;
}

async function hire(server: TestServer, hr: string, name: string, hireDate: string) {
  const email = `pay-${uniqueSuffix()}@example.com`;
  const result = await server.request(
    HireEmployeeDocument,
    {
      input: {
        name,
        email,
        hireDate,
        salary: '84000.00',
        roles: ['SUPPORT_AGENT'],
        password: PASSWORD,
      },
    },
    hr,
  );
  const employee = result.data?.hireEmployee.employee;
  if (!employee) throw new Error(JSON.stringify(result));
  return { id: employee.id, name, email };
}

/** A month with a joiner (hired mid-month) and a leaver (terminated mid-month), run and posted. */
async function postedMonth(
  server: TestServer,
  bank: { currency: string; iban?: string; bic?: string; routingNumber?: string },
): Promise<Scene> {
  const [hr, accountant] = await Promise.all([
    server.login('hr@example.com'),
    server.login('accountant@example.com'),
  ]);
  const joiner = await hire(server, hr, 'Zoë Ångström-Joiner', '2027-02-15');
  const leaver = await hire(server, hr, `Jo Leaver ${uniqueSuffix()}`, '2026-06-01');
  const terminated = await server.request(
    TerminateEmployeeDocument,
    { input: { employeeId: leaver.id, date: '2027-02-10', reason: 'Contract ended' } },
    hr,
  );
  expect(terminated.data?.terminateEmployee.userErrors).toEqual([]);
  const clearingBefore = await clearingBalance(server);
  const drafted = await server.request(RunPayrollDocument, { input: PERIOD }, hr);
  const draft = drafted.data?.runPayroll.payrollRun;
  if (!draft) throw new Error(JSON.stringify(drafted));
  const posted = await server.request(
    PostPayrollRunDocument,
    { input: { payrollRunId: draft.id } },
    hr,
  );
  expect(posted.data?.postPayrollRun.payrollRun?.status).toBe('POSTED');

  const bankLedgerCode = `1${String(Math.floor(Math.random() * 90000) + 10000)}`;
  const ledger = await server.request(
    CreateAccountDocument,
    { input: { code: bankLedgerCode, name: `Payroll bank ${bankLedgerCode}`, type: 'ASSET' } },
    accountant,
  );
  const created = await server.request(
    CreateBankAccountDocument,
    {
      input: {
        name: `Payroll bank ${bankLedgerCode}`,
        ledgerAccountId: ledger.data?.createAccount.account?.id as string,
        currency: bank.currency,
        iban: bank.iban,
        bic: bank.bic,
        routingNumber: bank.routingNumber,
        accountNumber: bank.routingNumber ? '000123456789' : undefined,
        achCompanyId: bank.routingNumber ? '1234567890' : undefined,
      },
    },
    accountant,
  );
  expect(created.data?.createBankAccount.userErrors).toEqual([]);
  return {
    server,
    hr,
    accountant,
    joiner,
    leaver,
    run: {
      id: draft.id,
      totalNet: draft.totalNet.amount,
      payslips: draft.payslips.map((slip) => ({
        employeeId: slip.employee.id,
        net: slip.net.amount,
      })),
    },
    bankAccountId: created.data?.createBankAccount.bankAccount?.id as string,
    bankLedgerCode,
    clearingBefore,
  };
}

/** The balance of 2110 Net pay clearing (debits minus credits, minor units). */
async function clearingBalance(server: TestServer): Promise<bigint> {
  const [row] = await server.backdesk.database.orm.em
    .fork()
    .getConnection()
    .execute<{ balance_minor: string }[]>(`SELECT balance_minor FROM account WHERE code = '2110'`);
  return BigInt(row.balance_minor);
}

async function setAccount(
  scene: Scene,
  input: SetEmployeeBankAccountInput,
  token = scene.hr,
): Promise<void> {
  const result = await scene.server.request(SetEmployeeBankAccountDocument, { input }, token);
  expect(result.data?.setEmployeeBankAccount.userErrors).toEqual([]);
}

/** Ledger balances (debits minus credits, minor units) by account code. */
async function balances(scene: Scene): Promise<Map<string, bigint>> {
  const rows = await scene.server.backdesk.database.orm.em
    .fork()
    .getConnection()
    .execute<{ code: string; balance_minor: string }[]>(
      `SELECT code, balance_minor FROM account WHERE code IN ('2110', ?)`,
      [scene.bankLedgerCode],
    );
  return new Map(rows.map((row) => [row.code, BigInt(row.balance_minor)]));
}

async function createFile(scene: Scene, format: 'SEPA_PAIN_001' | 'NACHA_PPD') {
  return scene.server.request(
    CreatePaymentFileDocument,
    {
      input: {
        payrollRunId: scene.run.id,
        format,
        executionDate: EXECUTION_DATE,
        bankAccountId: scene.bankAccountId,
      },
    },
    scene.hr,
  );
}

function created(result: Awaited<ReturnType<typeof createFile>>): FullFile {
  const file = result.data?.createPaymentFile.paymentFile;
  if (!file) throw new Error(JSON.stringify(result));
  return file;
}

/** Downloads a file's bytes through its (signed) URL. */
async function download(server: TestServer, url: string, token?: string) {
  const response = await fetch(`${server.baseUrl}${url}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The run's payslips with net pay: what a file pays, one credit each. */
function paid(scene: Scene) {
  return scene.run.payslips.filter((slip) => cents(slip.net) > 0n);
}

describe('SEPA pain.001.001.09 in EUR books', () => {
  let scene: Scene;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ BOOKS_CURRENCY: 'EUR', RUN_WORKERS: 'false' });
    scene = await postedMonth(server, {
      currency: 'EUR',
      iban: 'DE02120300000000202051',
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('pays a month with a joiner and a leaver, voids and reissues, settles and takes a return', async () => {
    const { hr, accountant, joiner, leaver } = scene;
    expect(paid(scene).map((slip) => slip.employeeId)).toEqual(
      expect.arrayContaining([joiner.id, leaver.id]),
    );
    // Posting put net pay on 2110 clearing, not on cash.
    expect((await balances(scene)).get('2110')).toBe(
      scene.clearingBefore - cents(scene.run.totalNet),
    );

    // Everyone paid gets an IBAN account but the leaver; the joiner sets their own.
    const joinerToken = await server.login(joiner.email, PASSWORD);
    await setAccount(
      scene,
      {
        employeeId: joiner.id,
        holderName: joiner.name,
        iban: 'DE89 3704 0044 0532 0130 00',
        bic: 'COBADEFFXXX',
        effectiveFrom: '2027-02-15',
      },
      joinerToken,
    );
    let index = 0;
    for (const slip of paid(scene)) {
      if (slip.employeeId === joiner.id || slip.employeeId === leaver.id) continue;
      await setAccount(scene, {
        employeeId: slip.employeeId,
        holderName: `Holder ${index}`,
        iban: IBANS[index % IBANS.length],
        effectiveFrom: '2027-01-01',
      });
      index += 1;
    }
    const missing = await createFile(scene, 'SEPA_PAIN_001');
    expect(missing.data?.createPaymentFile.userErrors).toEqual([
      expect.objectContaining({ code: 'EMPLOYEE_BANK_ACCOUNT_MISSING' }),
    ]);
    expect(missing.data?.createPaymentFile.userErrors[0].message).toContain(leaver.name);
    expect(missing.data?.createPaymentFile.userErrors[0].message).not.toContain(joiner.name);

    // An account that starts after the execution date is not in force on it.
    await setAccount(scene, {
      employeeId: leaver.id,
      holderName: leaver.name,
      iban: 'NL91ABNA0417164300',
      effectiveFrom: '2027-03-02',
    });
    const notYet = await createFile(scene, 'SEPA_PAIN_001');
    expect(notYet.data?.createPaymentFile.userErrors[0]?.message).toContain(leaver.name);
    await setAccount(scene, {
      employeeId: leaver.id,
      holderName: leaver.name,
      iban: 'NL91ABNA0417164300',
      effectiveFrom: '2027-02-01',
    });

    const first = created(await createFile(scene, 'SEPA_PAIN_001'));
    expect(first).toMatchObject({
      format: 'SEPA_PAIN_001',
      status: 'CREATED',
      count: paid(scene).length,
    });
    expect(first.totalAmount).toEqual({ amount: scene.run.totalNet, currency: 'EUR' });
    expect(first.items.map((item) => item.employee.id).sort()).toEqual(
      paid(scene)
        .map((slip) => slip.employeeId)
        .sort(),
    );
    for (const item of first.items)
      expect(item.amount.amount).toBe(
        paid(scene).find((slip) => slip.employeeId === item.employee.id)?.net,
      );
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256(first.content)).toBe(first.sha256);

    // What the pain.001.001.09 and EPC schemas require, read back from the XML.
    const xml = new XMLParser({
      ignoreAttributes: false,
      parseTagValue: false,
      isArray: (name) => name === 'CdtTrfTxInf',
    }).parse(first.content) as {
      Document: {
        '@_xmlns': string;
        CstmrCdtTrfInitn: {
          GrpHdr: { MsgId: string; CreDtTm: string; NbOfTxs: string; CtrlSum: string };
          PmtInf: {
            PmtMtd: string;
            NbOfTxs: string;
            CtrlSum: string;
            ChrgBr: string;
            PmtTpInf: { SvcLvl: { Cd: string } };
            ReqdExctnDt: { Dt: string };
            DbtrAcct: { Id: { IBAN: string } };
            CdtTrfTxInf: {
              PmtId: { EndToEndId: string };
              Amt: { InstdAmt: { '#text': string; '@_Ccy': string } };
              CdtrAgt?: { FinInstnId: { BICFI: string } };
              Cdtr: { Nm: string };
              CdtrAcct: { Id: { IBAN: string } };
              RmtInf: { Ustrd: string };
            }[];
          };
        };
      };
    };
    expect(xml.Document['@_xmlns']).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    const { GrpHdr, PmtInf } = xml.Document.CstmrCdtTrfInitn;
    const credits = PmtInf.CdtTrfTxInf;
    expect(GrpHdr.NbOfTxs).toBe(String(paid(scene).length));
    expect(credits).toHaveLength(paid(scene).length);
    expect(GrpHdr.CtrlSum).toBe(scene.run.totalNet);
    expect(PmtInf.NbOfTxs).toBe(GrpHdr.NbOfTxs);
    expect(PmtInf.CtrlSum).toBe(GrpHdr.CtrlSum);
    expect(credits.reduce((sum, credit) => sum + cents(credit.Amt.InstdAmt['#text']), 0n)).toBe(
      cents(GrpHdr.CtrlSum),
    );
    expect(GrpHdr.MsgId.length).toBeLessThanOrEqual(35);
    expect(GrpHdr.MsgId).toBe(first.messageId);
    expect(GrpHdr.CreDtTm).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect([PmtInf.PmtMtd, PmtInf.ChrgBr, PmtInf.PmtTpInf.SvcLvl.Cd]).toEqual([
      'TRF',
      'SLEV',
      'SEPA',
    ]);
    expect(PmtInf.ReqdExctnDt.Dt).toBe(EXECUTION_DATE);
    expect(PmtInf.DbtrAcct.Id.IBAN).toBe('DE02120300000000202051');
    const ibanPattern = /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/;
    const bicPattern = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
    const latin = /^[A-Za-z0-9/\-?:().,'+ ]+$/;
    for (const credit of credits) {
      expect(credit.PmtId.EndToEndId.length).toBeLessThanOrEqual(35);
      expect(credit.Amt.InstdAmt['#text']).toMatch(/^\d+\.\d{2}$/);
      expect(credit.Amt.InstdAmt['@_Ccy']).toBe('EUR');
      expect(credit.CdtrAcct.Id.IBAN).toMatch(ibanPattern);
      if (credit.CdtrAgt) expect(credit.CdtrAgt.FinInstnId.BICFI).toMatch(bicPattern);
      expect(credit.Cdtr.Nm).toMatch(latin);
      expect(credit.Cdtr.Nm.length).toBeLessThanOrEqual(70);
      expect(credit.RmtInf.Ustrd).toBe('Salary 2027-02-01 to 2027-02-28');
    }
    expect(new Set(credits.map((credit) => credit.PmtId.EndToEndId)).size).toBe(credits.length);
    const joinerCredit = credits.find(
      (credit) => credit.CdtrAcct.Id.IBAN === 'DE89370400440532013000',
    );
    expect(joinerCredit?.Cdtr.Nm).toBe('Zoe Angstrom-Joiner');
    expect(joinerCredit?.CdtrAgt?.FinInstnId.BICFI).toBe('COBADEFFXXX');

    // The download serves the stored bytes, to HR or a signed link; not to an accountant.
    const viaLink = await download(server, first.downloadUrl);
    expect(viaLink.status).toBe(200);
    expect(sha256(viaLink.bytes)).toBe(first.sha256);
    const path = first.downloadUrl.split('?')[0];
    expect(path).toMatch(/^\/documents\/payment-files\/[A-Za-z0-9_-]+\.xml$/);
    expect((await download(server, path, hr)).status).toBe(200);
    expect((await download(server, path, accountant)).status).toBe(403);
    expect((await download(server, path)).status).toBe(401);

    // One live file per run and format.
    const second = await createFile(scene, 'SEPA_PAIN_001');
    expect(second.data?.createPaymentFile.userErrors[0]?.code).toBe('PAYMENT_FILE_EXISTS');

    // Void, then a new file: the voided one keeps its bytes and hash.
    const voided = await server.request(
      VoidPaymentFileDocument,
      { input: { paymentFileId: first.id, reason: 'Wrong execution date' } },
      hr,
    );
    expect(voided.data?.voidPaymentFile.paymentFile?.status).toBe('VOID');
    const reissued = created(await createFile(scene, 'SEPA_PAIN_001'));
    expect(reissued.id).not.toBe(first.id);
    expect(reissued.messageId).not.toBe(first.messageId);
    expect(reissued.totalAmount.amount).toBe(scene.run.totalNet);
    expect(reissued.count).toBe(first.count);
    const again = await server.request(PaymentFileFullDocument, { id: first.id }, hr);
    const kept = again.data?.node?.__typename === 'PaymentFile' ? again.data.node : null;
    expect(kept).toMatchObject({ status: 'VOID', sha256: first.sha256, content: first.content });
    expect(sha256((await download(server, path, hr)).bytes)).toBe(first.sha256);
    const twice = await server.request(
      VoidPaymentFileDocument,
      { input: { paymentFileId: first.id, reason: 'again' } },
      hr,
    );
    expect(twice.data?.voidPaymentFile.userErrors[0]?.code).toBe('INVALID_TRANSITION');

    // An accountant lists and settles files, but never reads what they pay to whom.
    const listed = await server.request(
      PaymentFilesDocument,
      { filter: { payrollRunId: scene.run.id } },
      accountant,
    );
    expect(listed.data?.paymentFiles.nodes.map((file) => [file.id, file.status])).toEqual([
      [reissued.id, 'CREATED'],
      [first.id, 'VOID'],
    ]);
    const peek = await server.request(PaymentFileFullDocument, { id: reissued.id }, accountant);
    expect(errorCode(peek)).toBe('FORBIDDEN');
    expect(JSON.stringify(peek)).not.toContain('DE89');
    expect(JSON.stringify(peek)).not.toContain('NL91');

    const before = await balances(scene);
    const settled = await server.request(
      SettlePaymentFileDocument,
      { input: { paymentFileId: reissued.id, settledOn: '2027-03-01' } },
      accountant,
    );
    expect(settled.data?.settlePaymentFile.paymentFile).toMatchObject({
      status: 'SETTLED',
      settledOn: '2027-03-01',
    });
    const after = await balances(scene);
    const total = cents(scene.run.totalNet);
    expect(after.get('2110')).toBe(scene.clearingBefore);
    expect(after.get(scene.bankLedgerCode)).toBe((before.get(scene.bankLedgerCode) ?? 0n) - total);
    const settleTwice = await server.request(
      SettlePaymentFileDocument,
      { input: { paymentFileId: reissued.id, settledOn: '2027-03-02' } },
      accountant,
    );
    expect(settleTwice.data?.settlePaymentFile.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const voidSettled = await server.request(
      VoidPaymentFileDocument,
      { input: { paymentFileId: reissued.id, reason: 'too late' } },
      hr,
    );
    expect(voidSettled.data?.voidPaymentFile.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    // Everyone is paid: no other file for the run.
    const nothingLeft = await createFile(scene, 'SEPA_PAIN_001');
    expect(nothingLeft.data?.createPaymentFile.userErrors[0]?.code).toBe('PAYMENT_FILE_EXISTS');

    // The bank returns the joiner's credit: it goes back to clearing, and the joiner is unpaid.
    const joinerNet = cents(paid(scene).find((slip) => slip.employeeId === joiner.id)?.net ?? '0');
    const returned = await server.request(
      ReturnPaymentDocument,
      {
        input: {
          paymentFileId: reissued.id,
          employeeId: joiner.id,
          reason: 'AC04 closed account',
          returnedOn: '2027-03-03',
        },
      },
      accountant,
    );
    expect(returned.data?.returnPayment.userErrors).toEqual([]);
    const afterReturn = await balances(scene);
    expect(afterReturn.get('2110')).toBe(scene.clearingBefore - joinerNet);
    expect(afterReturn.get(scene.bankLedgerCode)).toBe(
      (before.get(scene.bankLedgerCode) ?? 0n) - total + joinerNet,
    );
    const returnTwice = await server.request(
      ReturnPaymentDocument,
      { input: { paymentFileId: reissued.id, employeeId: joiner.id, reason: 'again' } },
      accountant,
    );
    expect(returnTwice.data?.returnPayment.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const items = await server.request(PaymentFileFullDocument, { id: reissued.id }, hr);
    const returnedItems =
      items.data?.node?.__typename === 'PaymentFile'
        ? items.data.node.items.filter((item) => item.status === 'RETURNED')
        : [];
    expect(returnedItems).toEqual([
      expect.objectContaining({
        employee: { id: joiner.id, name: joiner.name },
        returnedOn: '2027-03-03',
        returnReason: 'AC04 closed account',
        maskedAccount: 'DE89 **** **** **** 3000',
      }),
    ]);

    // A new file for the run pays exactly the returned credit.
    const repay = created(await createFile(scene, 'SEPA_PAIN_001'));
    expect(repay.count).toBe(1);
    expect(repay.items.map((item) => item.employee.id)).toEqual([joiner.id]);
    expect(cents(repay.totalAmount.amount)).toBe(joinerNet);
  });
});

describe('NACHA PPD in USD books, and who sees bank details', () => {
  let scene: Scene;
  let server: TestServer;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, JOB_POLL_MS: '500' });
    scene = await postedMonth(server, { currency: 'USD', routingNumber: '021000021' });
  });

  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  it('validates accounts, masks them, keeps them from those who may not read pay, and mails the change', async () => {
    const { hr, joiner } = scene;
    const joinerToken = await server.login(joiner.email, PASSWORD);
    const refusals: [Partial<SetEmployeeBankAccountInput>, string][] = [
      [{ iban: 'DE89370400440532013001' }, 'iban'],
      [{ routingNumber: '021000022', accountNumber: '123456789' }, 'routingNumber'],
      [{ routingNumber: '021000021', accountNumber: '123' }, 'accountNumber'],
      [{ routingNumber: '021000021', accountNumber: '123456789012345678' }, 'accountNumber'],
      [{ iban: 'DE89370400440532013000', routingNumber: '021000021' }, 'iban'],
      [{ iban: 'DE89370400440532013000', bic: 'NOTABIC' }, 'bic'],
      [{}, 'iban'],
    ];
    for (const [details, field] of refusals) {
      const result = await server.request(
        SetEmployeeBankAccountDocument,
        {
          input: {
            employeeId: joiner.id,
            holderName: joiner.name,
            effectiveFrom: '2027-02-15',
            ...details,
          },
        },
        hr,
      );
      expect([details, result.data?.setEmployeeBankAccount.userErrors[0]]).toEqual([
        details,
        expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', field] }),
      ]);
    }

    const own = await server.request(
      SetEmployeeBankAccountDocument,
      {
        input: {
          employeeId: joiner.id,
          holderName: joiner.name,
          routingNumber: '011000015',
          accountNumber: '9876543210',
          accountType: 'SAVINGS',
          effectiveFrom: '2026-12-01',
        },
      },
      joinerToken,
    );
    expect(own.data?.setEmployeeBankAccount).toEqual({
      bankAccount: {
        holderName: joiner.name,
        kind: 'US_ACH',
        maskedNumber: '****3210',
        effectiveFrom: '2026-12-01',
      },
      userErrors: [],
    });

    // The employee is mailed the masked account and the date, never the number.
    const [mail] = await sink.waitFor((received) =>
      received.some((m) => m.rcptTo.includes(joiner.email)),
    );
    const message = sink.received.find((m) => m.rcptTo.includes(joiner.email)) ?? mail;
    expect(message.parsed.subject).toBe('The bank account for your pay was changed');
    expect(message.parsed.text).toContain('****3210');
    expect(message.parsed.text).toContain('2026-12-01');
    expect(message.parsed.text).not.toContain('9876543210');

    // Another employee may not set it; others may not read it.
    const agent = await server.login('agent@example.com');
    const hijack = await server.request(
      SetEmployeeBankAccountDocument,
      {
        input: {
          employeeId: joiner.id,
          holderName: 'Mallory',
          routingNumber: '011000015',
          accountNumber: '1111111111',
          effectiveFrom: '2027-02-16',
        },
      },
      agent,
    );
    expect(errorCode(hijack)).toBe('FORBIDDEN');
    for (const email of [
      'agent@example.com',
      'lead@example.com',
      'accountant@example.com',
      'reports@example.com',
      'warehouse@example.com',
    ]) {
      const token = await server.login(email);
      const result = await server.request(EmployeeBankAccountDocument, { id: joiner.id }, token);
      expect([email, errorCode(result)]).toEqual([email, 'FORBIDDEN']);
      expect(result.data?.employee).toEqual({
        id: joiner.id,
        name: joiner.name,
        bankAccount: null,
      });
      expect(JSON.stringify(result)).not.toContain('3210');
    }
    for (const token of [hr, await server.login('admin@example.com'), joinerToken]) {
      const result = await server.request(EmployeeBankAccountDocument, { id: joiner.id }, token);
      expect(result.errors).toBeUndefined();
      expect(result.data?.employee?.bankAccount).toEqual({
        holderName: joiner.name,
        kind: 'US_ACH',
        maskedNumber: '****3210',
        effectiveFrom: '2026-12-01',
      });
    }
  });

  it('writes a NACHA PPD file whose records, counts, entry hash and totals tally', async () => {
    const { hr, joiner } = scene;
    let index = 0;
    for (const slip of paid(scene)) {
      if (slip.employeeId === joiner.id) continue;
      await setAccount(scene, {
        employeeId: slip.employeeId,
        holderName: `Holder ${index}`,
        routingNumber: ROUTING[index % ROUTING.length],
        accountNumber: String(10_000_000 + index),
        accountType: index % 3 === 0 ? 'SAVINGS' : 'CHECKING',
        effectiveFrom: '2027-01-01',
      });
      index += 1;
    }
    const sepa = await createFile(scene, 'SEPA_PAIN_001');
    // The paying account has no IBAN: no pain.001 from it.
    expect(sepa.data?.createPaymentFile.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'bankAccountId'],
    });

    const file = created(await createFile(scene, 'NACHA_PPD'));
    expect(file.totalAmount).toEqual({ amount: scene.run.totalNet, currency: 'USD' });
    expect(file.count).toBe(paid(scene).length);
    expect(sha256(file.content)).toBe(file.sha256);
    const download = await fetch(`${server.baseUrl}${file.downloadUrl}`);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(file.sha256);

    const records = file.content.split('\n').filter((line) => line !== '');
    expect(file.content.endsWith('\n')).toBe(true);
    for (const line of records) expect(line).toHaveLength(94);
    expect(records.length % 10).toBe(0);
    const of = (type: string) =>
      records.filter((line) => line[0] === type && !/^9{94}$/.test(line));
    const [header] = of('1');
    const [batch] = of('5');
    const entries = of('6');
    const [batchControl] = of('8');
    const [fileControl] = of('9');
    expect(header.slice(3, 13)).toBe(' 021000021');
    expect(header.slice(13, 23)).toBe('1234567890');
    expect(header.slice(33, 34)).toBe('A');
    expect(header.slice(34, 40)).toBe('094101');
    expect(batch.slice(1, 4)).toBe('220');
    expect(batch.slice(40, 50)).toBe('1234567890');
    expect(batch.slice(50, 53)).toBe('PPD');
    expect(batch.slice(53, 63)).toBe('PAYROLL   ');
    expect(batch.slice(69, 75)).toBe('270301');
    expect(entries).toHaveLength(paid(scene).length);
    const parsed = entries.map((line) => ({
      code: line.slice(1, 3),
      routing8: line.slice(3, 11),
      checkDigit: line.slice(11, 12),
      account: line.slice(12, 29).trim(),
      cents: BigInt(line.slice(29, 39)),
      name: line.slice(54, 76).trim(),
      trace: line.slice(79, 94),
    }));
    const sum = parsed.reduce((total, entry) => total + entry.cents, 0n);
    expect(sum).toBe(cents(scene.run.totalNet));
    const joinerEntry = parsed.find((entry) => entry.account === '9876543210');
    expect(joinerEntry).toMatchObject({ code: '32', routing8: '01100001', checkDigit: '5' });
    expect(joinerEntry?.cents).toBe(
      cents(paid(scene).find((slip) => slip.employeeId === joiner.id)?.net ?? '0'),
    );
    expect(joinerEntry?.name).toBe('ZOE ANGSTROM-JOINER');
    expect(parsed.every((entry) => ['22', '32'].includes(entry.code))).toBe(true);
    const traces = parsed.map((entry) => entry.trace);
    expect(traces.every((trace) => trace.startsWith('02100002'))).toBe(true);
    expect([...traces].sort()).toEqual(traces);
    expect(new Set(traces).size).toBe(traces.length);
    const hash = String(
      parsed.reduce((total, entry) => total + BigInt(entry.routing8), 0n) % 10_000_000_000n,
    ).padStart(10, '0');
    expect(batchControl.slice(1, 4)).toBe('220');
    expect(Number(batchControl.slice(4, 10))).toBe(entries.length);
    expect(batchControl.slice(10, 20)).toBe(hash);
    expect(BigInt(batchControl.slice(20, 32))).toBe(0n);
    expect(BigInt(batchControl.slice(32, 44))).toBe(sum);
    expect(Number(fileControl.slice(1, 7))).toBe(1);
    expect(Number(fileControl.slice(7, 13))).toBe(records.length / 10);
    expect(Number(fileControl.slice(13, 21))).toBe(entries.length);
    expect(fileControl.slice(21, 31)).toBe(hash);
    expect(BigInt(fileControl.slice(31, 43))).toBe(0n);
    expect(BigInt(fileControl.slice(43, 55))).toBe(sum);

    // A second file the same day carries the next file ID modifier.
    await server.request(
      VoidPaymentFileDocument,
      { input: { paymentFileId: file.id, reason: 'Bank asked for a new one' } },
      hr,
    );
    const next = created(await createFile(scene, 'NACHA_PPD'));
    expect(next.content.split('\n')[0].slice(33, 34)).toBe('B');
    expect(next.totalAmount.amount).toBe(scene.run.totalNet);

    // Concurrent requests: one new file, one settlement.
    await server.request(
      VoidPaymentFileDocument,
      { input: { paymentFileId: next.id, reason: 'Racing' } },
      hr,
    );
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => createFile(scene, 'NACHA_PPD')),
    );
    const winners = racing.filter((result) => result.data?.createPaymentFile.paymentFile);
    expect(winners).toHaveLength(1);
    expect(
      racing.flatMap(
        (result) => result.data?.createPaymentFile.userErrors.map((e) => e.code) ?? [],
      ),
    ).toEqual(Array(4).fill('PAYMENT_FILE_EXISTS'));
    const winner = created(winners[0]);
    const settles = await Promise.all(
      Array.from({ length: 4 }, () =>
        server.request(
          SettlePaymentFileDocument,
          { input: { paymentFileId: winner.id, settledOn: '2027-03-01' } },
          scene.accountant,
        ),
      ),
    );
    expect(
      settles.filter((result) => result.data?.settlePaymentFile.paymentFile?.status === 'SETTLED'),
    ).toHaveLength(1);
    const [paying] = await server.backdesk.database.orm.em
      .fork()
      .getConnection()
      .execute<{ included: string; payslips: string; settlements: string }[]>(
        `SELECT (SELECT count(*) FROM payment_file_item WHERE status = 'INCLUDED') AS included,
                (SELECT count(DISTINCT payslip_id) FROM payment_file_item WHERE status = 'INCLUDED') AS payslips,
                (SELECT count(*) FROM journal_entry WHERE source = 'PAYMENT_FILE') AS settlements`,
      );
    expect(paying).toEqual({
      included: String(paid(scene).length),
      payslips: String(paid(scene).length),
      settlements: '1',
    });
    expect((await balances(scene)).get('2110')).toBe(scene.clearingBefore);
  });

  it('pays only posted runs, from an account in the books currency', async () => {
    const drafted = await server.request(
      RunPayrollDocument,
      { input: { periodStart: '2027-03-01', periodEnd: '2027-03-31' } },
      scene.hr,
    );
    const draft = await server.request(
      CreatePaymentFileDocument,
      {
        input: {
          payrollRunId: drafted.data?.runPayroll.payrollRun?.id as string,
          format: 'NACHA_PPD',
          executionDate: '2027-04-01',
          bankAccountId: scene.bankAccountId,
        },
      },
      scene.hr,
    );
    expect(draft.data?.createPaymentFile.userErrors[0]?.code).toBe('INVALID_TRANSITION');
    const byAccountant = await server.request(
      CreatePaymentFileDocument,
      {
        input: {
          payrollRunId: scene.run.id,
          format: 'NACHA_PPD',
          executionDate: EXECUTION_DATE,
          bankAccountId: scene.bankAccountId,
        },
      },
      scene.accountant,
    );
    expect(errorCode(byAccountant)).toBe('FORBIDDEN');
  });
});
