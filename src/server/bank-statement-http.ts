import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { decodeGlobalId, toGlobalId } from '../graphql/global-id';
import { Money } from '../graphql/money';
import { userErrorOf } from '../graphql/user-error';
import type { Logger } from '../logger';
import { Permissions } from '../modules/auth/permissions';
import { BusinessRuleError } from '../modules/common/errors';
import { hasAnyRole } from '../modules/common/viewer';
import { statementFileText } from '../modules/banking/formats/file-text';
import type { StatementFileFormat } from '../modules/banking/formats/statement-file';
import type { Services } from '../modules/services';
import { answerRefusal, pathOf } from './attachment-http';

/**
 * `POST /bank-statements?bankAccountId=<ID>&format=CAMT053|OFX|CSV[&csvMappingId=<ID>]` with the
 * file as the raw body and `Authorization: Bearer <token>` (ACCOUNTANT or ADMIN): the import of
 * `importBankStatement` for files past GraphQL's 1 MB body (a year of a busy account). Answers 201
 * with the mutation's payload (`statements`, `skippedDuplicates`, `warnings`), or 422 with its
 * `userErrors` when nothing was imported.
 */
export const BANK_STATEMENT_PATH = '/bank-statements';

const FORMATS: readonly StatementFileFormat[] = ['CAMT053', 'OFX', 'CSV'];

export function isBankStatementRequest(req: IncomingMessage): boolean {
  return pathOf(req) === BANK_STATEMENT_PATH;
}

function idParameter(query: URLSearchParams, name: string, typeName: string): number | null {
  const value = query.get(name);
  if (value === null) return null;
  const decoded = decodeGlobalId(value);
  if (!decoded || decoded.typeName !== typeName || !/^[1-9]\d{0,15}$/.test(decoded.key)) return NaN;
  return Number(decoded.key);
}

/** The body, or null once it passed `maxBytes` (the rest is read and dropped). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export function bankStatementEndpoint(deps: {
  orm: MikroORM;
  services: Services;
  logger: Logger;
  maxBytes: number;
}): (req: IncomingMessage, res: ServerResponse, requestId: string) => void {
  const { orm, services, logger, maxBytes } = deps;
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
      res.setHeader('allow', 'POST');
      return answerRefusal(res, {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: 'POST the file',
      });
    }
    const em = orm.em.fork();
    const { viewer } = await services.auth.authenticate(em, req.headers.authorization);
    if (!viewer)
      return answerRefusal(res, {
        status: 401,
        code: 'UNAUTHENTICATED',
        message: 'Sign in first',
        unread: true,
      });
    if (!hasAnyRole(viewer, Permissions.banking.write))
      return answerRefusal(res, {
        status: 403,
        code: 'FORBIDDEN',
        message: 'Only accountants import bank statements',
        unread: true,
      });
    const query = new URL(req.url ?? '', 'http://localhost').searchParams;
    const format = query.get('format') as StatementFileFormat | null;
    const bankAccountId = idParameter(query, 'bankAccountId', 'BankAccount');
    const csvMappingId = idParameter(query, 'csvMappingId', 'CsvMapping');
    const badRequest = (message: string) =>
      answerRefusal(res, { status: 400, code: 'BAD_REQUEST', message, unread: true });
    if (!format || !FORMATS.includes(format))
      return badRequest('format is one of CAMT053, OFX, CSV');
    if (bankAccountId === null || Number.isNaN(bankAccountId))
      return badRequest('bankAccountId is not a BankAccount ID');
    if (Number.isNaN(csvMappingId)) return badRequest('csvMappingId is not a CsvMapping ID');
    if (Number(req.headers['content-length']) > maxBytes)
      return answerRefusal(res, {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The file is larger than ${maxBytes} bytes`,
        unread: true,
      });
    const body = await readBody(req, maxBytes);
    if (body === null)
      return answerRefusal(res, {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The file is larger than ${maxBytes} bytes`,
      });
    try {
      const result = await services.statementImport.importStatement({ em }, viewer, {
        bankAccountId,
        format,
        content: statementFileText(body),
        csvMappingId,
      });
      answer(res, 201, {
        statements: result.statements.map((statement) => ({
          id: toGlobalId('BankStatement', statement.id),
          openingBalance: Money.fromMinor(statement.openingBalanceMinor, result.currency),
          closingBalance: Money.fromMinor(statement.closingBalanceMinor, result.currency),
          lineCount: statement.lineCount,
          warnings: statement.warnings,
        })),
        skippedDuplicates: result.skippedDuplicates,
        warnings: result.warnings,
        userErrors: [],
      });
    } catch (error) {
      if (!(error instanceof BusinessRuleError)) throw error;
      answer(res, 422, { userErrors: [userErrorOf(error)] });
    }
  };

  return (req, res, requestId) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error, requestId }, 'a bank statement import failed');
      if (res.headersSent) return void res.destroy();
      answerRefusal(res, {
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        message: `Internal server error (request ${requestId})`,
      });
    });
  };
}
