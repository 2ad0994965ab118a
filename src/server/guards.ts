import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimiter } from './rate-limit';

export interface GuardSettings {
  rateLimitPerToken: number;
  rateLimitPerIp: number;
  loginAttemptsPerWindow: number;
  csat: { attemptsPerToken: number; attemptsPerIp: number };
}

/** The window of the satisfaction survey limits (CSAT_RATE_LIMIT_PER_TOKEN / _PER_IP). */
const SURVEY_WINDOW_SECONDS = 15 * 60;

const MINUTE = 60_000;
const LOGIN_WINDOW = 15 * MINUTE;

/** Rate limits: per token, per anonymous IP, and sign-in attempts (brute force is slowed and logged). */
export class RequestGuards {
  private readonly requests = new RateLimiter(MINUTE);
  private readonly logins = new RateLimiter(LOGIN_WINDOW);
  /**
   * Satisfaction surveys (no sign-in): the page `/csat/<token>` and `respondToSatisfactionSurvey`
   * share these, per client IP and per survey token. In memory, per instance; with several
   * instances they move to Redis (RateLimiterRedis) with the rest of the limits.
   */
  private readonly surveysPerIp: RateLimiterMemory;
  private readonly surveysPerToken: RateLimiterMemory;

  constructor(
    private readonly settings: GuardSettings,
    private readonly logger: Logger,
  ) {
    this.surveysPerIp = new RateLimiterMemory({
      keyPrefix: 'csat-ip',
      points: settings.csat.attemptsPerIp,
      duration: SURVEY_WINDOW_SECONDS,
    });
    this.surveysPerToken = new RateLimiterMemory({
      keyPrefix: 'csat-token',
      points: settings.csat.attemptsPerToken,
      duration: SURVEY_WINDOW_SECONDS,
    });
  }

  /**
   * Counts one request about a satisfaction survey (read or answer): seconds to wait when this IP
   * or this token is over its limit, else 0.
   */
  async survey(ip: string, token: string): Promise<number> {
    // The address first: one over its limit adds no keys for the tokens it makes up.
    const perIp = await this.surveysPerIp.consume(ip).then(() => 0, secondsToWait);
    if (perIp > 0) return perIp;
    return this.surveysPerToken.consume(token.slice(0, 200)).then(() => 0, secondsToWait);
  }

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

/** A refusal of rate-limiter-flexible carries the time until its window resets. */
function secondsToWait(refused: unknown): number {
  if (refused instanceof RateLimiterRes) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
  throw refused;
}
