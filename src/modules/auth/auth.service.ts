import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../common/viewer';
import { BusinessRuleError, UserErrorCode } from '../common/errors';
import { recordEvent } from '../../events/event-log';
import type { Employee, EmployeeStatus } from '../employees/employee.entity';
import { maySignIn, type EmployeeService } from '../employees/employee.service';
import { ApiToken } from './api-token.entity';
import { decoyPasswordHash, isPasswordSet, verifyPassword } from './password';
import {
  API_TOKEN_PREFIX,
  hashApiToken,
  newApiTokenSecret,
  type SessionTokens,
} from './session-token';
import type { Role } from '../common/role';
import { EmployeeAccessCache } from './employee-access';
import { systemClock, type Clock } from '../common/clock';
import { runSql } from '../../db/sql';
import { inTransaction } from '../../db/transaction';
import type { RequestScope } from '../common/scope';

export type AuthenticationResult =
  | { viewer: Viewer }
  | {
      viewer: undefined;
      failure: 'missing' | 'malformed' | 'expired' | 'invalid' | 'revoked' | 'inactive';
    };

/** How stale `ApiToken.lastUsedAt` may get before a request refreshes it (saves a write per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

export class AuthService {
  private readonly access: EmployeeAccessCache;

  constructor(
    private readonly sessions: SessionTokens,
    /** Employees are read through their own service. */
    private readonly employees: EmployeeService,
    clock: Clock = systemClock,
  ) {
    this.access = new EmployeeAccessCache(clock);
  }

  /** The employee's status or roles changed: their next request reads them again. */
  forgetEmployee(employeeId: number): void {
    this.access.forget(employeeId);
  }

  /** One refusal for unknown email, wrong password and an employee who may not sign in. */
  async login(
    { em }: RequestScope,
    email: string,
    password: string,
  ): Promise<{ token: string; employee: Employee }> {
    const employee = await this.employees.findForSignIn(em, email);
    // Without a password of their own, the decoy is checked: the same refusal, in the same time.
    const passwordMatches = await verifyPassword(
      password,
      employee && isPasswordSet(employee.passwordHash)
        ? employee.passwordHash
        : await decoyPasswordHash(),
    );
    if (!employee || !passwordMatches || !maySignIn(employee.status)) {
      throw new BusinessRuleError(
        UserErrorCode.INVALID_CREDENTIALS,
        'The email or password is not correct',
      );
    }
    return { token: await this.sessions.sign(employee.id), employee };
  }

  /** Resolves an `Authorization` header value to a viewer, checking the employee is still allowed in. */
  async authenticate(
    em: EntityManager,
    authorization: string | undefined,
  ): Promise<AuthenticationResult> {
    if (!authorization) return { viewer: undefined, failure: 'missing' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { viewer: undefined, failure: 'malformed' };
    const token = match[1];
    return token.startsWith(API_TOKEN_PREFIX)
      ? this.authenticateApiToken(em, token)
      : this.authenticateSession(em, token);
  }

  // Authentication runs on every request: a session's employee comes from the access cache, an
  // API token is one plain SQL statement; no entity is built.
  private async authenticateSession(
    em: EntityManager,
    token: string,
  ): Promise<AuthenticationResult> {
    const verified = await this.sessions.verify(token);
    if ('rejected' in verified) return { viewer: undefined, failure: verified.rejected };
    const employee = await this.access.read(em, verified.employeeId);
    if (!employee) return { viewer: undefined, failure: 'invalid' };
    if (!maySignIn(employee.status)) return { viewer: undefined, failure: 'inactive' };
    return {
      viewer: { employeeId: verified.employeeId, roles: new Set(employee.roles), via: 'session' },
    };
  }

  private async authenticateApiToken(
    em: EntityManager,
    secret: string,
  ): Promise<AuthenticationResult> {
    const [apiToken] = await runSql<{
      id: string;
      roles: Role[];
      revoked_at: string | null;
      last_used_at: string | null;
      created_by_id: string;
      creator_status: EmployeeStatus;
    }>(
      em,
      `SELECT t.id, t.roles, t.revoked_at, t.last_used_at, t.created_by_id, e.status AS creator_status
         FROM api_token t JOIN employee e ON e.id = t.created_by_id
        WHERE t.token_hash = ?`,
      [hashApiToken(secret)],
    );
    if (!apiToken) return { viewer: undefined, failure: 'invalid' };
    if (apiToken.revoked_at) return { viewer: undefined, failure: 'revoked' };
    if (!maySignIn(apiToken.creator_status)) return { viewer: undefined, failure: 'inactive' };
    const apiTokenId = Number(apiToken.id);
    const now = Date.now();
    if (
      !apiToken.last_used_at ||
      now - Date.parse(apiToken.last_used_at) > LAST_USED_RESOLUTION_MS
    ) {
      await em.nativeUpdate(ApiToken, { id: apiTokenId }, { lastUsedAt: new Date(now) });
    }
    return {
      viewer: {
        employeeId: Number(apiToken.created_by_id),
        roles: new Set(apiToken.roles),
        via: 'apiToken',
        apiTokenId,
      },
    };
  }

  async createApiToken(
    { em }: RequestScope,
    viewer: Viewer,
    name: string,
    roles: Role[],
  ): Promise<{ token: string; apiToken: ApiToken }> {
    const trimmed = name.trim();
    if (trimmed.length === 0)
      throw new BusinessRuleError(UserErrorCode.INVALID_INPUT, 'Name the token', ['input', 'name']);
    const secret = newApiTokenSecret();
    return inTransaction(em, async (tx) => {
      const apiToken = tx.create(ApiToken, {
        name: trimmed,
        tokenHash: hashApiToken(secret),
        prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
        roles: [...new Set(roles)],
        createdBy: viewer.employeeId,
        createdAt: new Date(),
      });
      await tx.flush();
      await recordEvent(tx, {
        streamType: 'ApiToken',
        streamId: apiToken.id,
        type: 'CREATED',
        payload: { name: trimmed, roles: apiToken.roles },
        actorId: viewer.employeeId,
      });
      return { token: secret, apiToken };
    });
  }

  async revokeApiToken(
    { em }: RequestScope,
    viewer: Viewer,
    id: number,
  ): Promise<{ apiToken: ApiToken }> {
    return inTransaction(em, async (tx) => {
      const apiToken = await tx.findOne(ApiToken, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!apiToken)
        throw new BusinessRuleError(UserErrorCode.NOT_FOUND, 'No such API token', ['input', 'id']);
      if (apiToken.revokedAt)
        throw new BusinessRuleError(
          UserErrorCode.ALREADY_REVOKED,
          'The token was already revoked',
          ['input', 'id'],
        );
      apiToken.revokedAt = new Date();
      await recordEvent(tx, {
        streamType: 'ApiToken',
        streamId: apiToken.id,
        type: 'REVOKED',
        actorId: viewer.employeeId,
      });
      return { apiToken };
    });
  }
}
