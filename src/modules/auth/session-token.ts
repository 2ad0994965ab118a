import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

const ISSUER = 'backdesk';
const AUDIENCE = 'backdesk-api';
export const API_TOKEN_PREFIX = 'bdk_';

/** How many verified tokens are remembered (a console sends the same token on every request). */
const VERIFIED_CAPACITY = 10_000;

/** Signs and verifies session tokens (HS256 JWTs) with the configured secret. */
export class SessionTokens {
  private readonly key: Uint8Array;
  /**
   * Tokens whose signature was already checked, with their subject and expiry. A token's
   * validity is its own (signature and `exp`); whether its employee may still sign in is checked
   * against the database on every request regardless.
   */
  private readonly verified = new Map<string, { employeeId: number; expiresAtMs: number }>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(employeeId: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(employeeId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The employee id the token was issued to, or a reason it is not acceptable. */
  async verify(
    token: string,
  ): Promise<{ employeeId: number } | { rejected: 'expired' | 'invalid' }> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return { employeeId: known.employeeId };
      this.verified.delete(token);
      return { rejected: 'expired' };
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const employeeId = Number(payload.sub);
      if (!Number.isSafeInteger(employeeId) || employeeId <= 0) return { rejected: 'invalid' };
      if (payload.exp !== undefined) {
        if (this.verified.size >= VERIFIED_CAPACITY) this.verified.clear();
        this.verified.set(token, { employeeId, expiresAtMs: payload.exp * 1000 });
      }
      return { employeeId };
    } catch (error) {
      return { rejected: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/**
 * The signing secret: `JWT_SECRET` when set; otherwise one generated once and kept in the data
 * folder, so sessions survive restarts and several local instances share it.
 */
export function resolveJwtSecret(
  configured: string | undefined,
  dataDir: string,
): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const file = path.join(dataDir, 'jwt-secret');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      // Another instance created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { secret: fs.readFileSync(file, 'utf8').trim(), generated: true };
}

export function newApiTokenSecret(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
