import type { Logger } from 'pino';
import { RateLimiter } from './rate-limit';

export interface GuardSettings {
  rateLimitPerToken: number;
  rateLimitPerIp: number;
  loginAttemptsPerWindow: number;
}

const MINUTE = 60_000;
const LOGIN_WINDOW = 15 * MINUTE;

/** Rate limits: per token, per anonymous IP, and sign-in attempts (brute force is slowed and logged). */
export class RequestGuards {
  private readonly requests = new RateLimiter(MINUTE);
  private readonly logins = new RateLimiter(LOGIN_WINDOW);

  constructor(
    private readonly settings: GuardSettings,
    private readonly logger: Logger,
  ) {}

  /** Seconds to wait before the next request is served, or 0. */
  request(tokenKey: string | undefined, ip: string): number {
    return tokenKey
      ? this.requests.hit(`token:${tokenKey}`, this.settings.rateLimitPerToken)
      : this.requests.hit(`ip:${ip}`, this.settings.rateLimitPerIp);
  }

  /** Seconds to wait before this IP may try this email again, or 0. */
  login(ip: string, email: string): number {
    const perAccount = this.logins.hit(
      `login:${ip}:${email.trim().toLowerCase()}`,
      this.settings.loginAttemptsPerWindow,
    );
    const perIp = this.logins.hit(`login:${ip}`, this.settings.loginAttemptsPerWindow * 10);
    const wait = Math.max(perAccount, perIp);
    if (wait > 0)
      this.logger.warn(
        { ip, email: email.trim().toLowerCase() },
        'sign-in attempts over the limit: possible brute force',
      );
    return wait;
  }

  stop(): void {
    this.requests.stop();
    this.logins.stop();
  }
}
