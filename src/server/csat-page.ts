import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { escapeHtml } from '../mail/html';
import { BusinessRuleError, UserErrorCode } from '../modules/common/errors';
import type { Services } from '../modules/services';
import type { SurveyView } from '../modules/support/satisfaction.service';
import { MAX_SURVEY_COMMENT } from '../modules/support/satisfaction.service';
import type { Logger } from '../logger';
import type { RequestGuards } from './guards';

/** Where the survey pages live: `/csat/<token>` (the link in the survey email). */
export const CSAT_PATH = '/csat';

/** Nothing loads from elsewhere, nothing runs, the form posts only here, no page frames it. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}fieldset{border:0;padding:0;margin:1rem 0}
.choices{display:flex;gap:.5rem}.choices label{flex:1;text-align:center;border:1px solid #ccd;border-radius:6px;padding:.6rem 0;cursor:pointer}
.choices input{display:block;margin:0 auto .3rem}textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit}
button{margin-top:1rem;padding:.6rem 1.4rem;font:inherit;border:0;border-radius:6px;background:#2f5bd3;color:#fff;cursor:pointer}
.notice{padding:.7rem 1rem;border-radius:6px;background:#e8f3ea}.error{background:#fbe9e9}.muted{color:#667}`;

const LABELS = ['', 'Bad', 'Poor', 'OK', 'Good', 'Great'];

const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function send(res: Response, status: number, html: string): void {
  res.status(status);
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  // The token is in the URL: no other site learns it from a Referer.
  res.setHeader('referrer-policy', 'no-referrer');
  res.send(html);
}

function notFound(res: Response): void {
  send(
    res,
    404,
    page(
      'Survey not found',
      '<h1>This survey link is not valid</h1><p>It may have been copied incompletely. Please use the link from the email we sent you.</p>',
    ),
  );
}

/** The survey's page: the current answer, and the form while the survey takes answers. */
function surveyPage(
  view: SurveyView,
  token: string,
  options: { notice?: string; error?: string; rating?: number | null; comment?: string | null },
): string {
  const { survey } = view;
  const rating = options.rating ?? survey.rating;
  const comment = options.comment ?? survey.comment ?? '';
  const parts = [
    '<h1>How did we do?</h1>',
    `<p class="muted">Ticket ${escapeHtml(view.ticketNumber)}: ${escapeHtml(view.ticketSubject)}</p>`,
  ];
  if (options.notice) parts.push(`<p class="notice">${escapeHtml(options.notice)}</p>`);
  if (options.error) parts.push(`<p class="notice error">${escapeHtml(options.error)}</p>`);
  if (survey.rating !== null && survey.respondedAt)
    parts.push(
      `<p>Your answer: <strong>${survey.rating} of 5</strong> (${escapeHtml(LABELS[survey.rating])}), given ${escapeHtml(utc(survey.respondedAt))}.${
        survey.comment ? ` Your comment: “${escapeHtml(survey.comment)}”` : ''
      }</p>`,
    );
  if (!view.open) {
    parts.push(
      `<p class="notice error">This survey closed on ${escapeHtml(utc(view.closesAt))}: answers can be given or changed for 7 days after it was sent.</p>`,
    );
    return page('How did we do?', parts.join('\n'));
  }
  const choices = [1, 2, 3, 4, 5]
    .map(
      (value) =>
        `<label><input type="radio" name="rating" value="${value}" required${
          value === rating ? ' checked' : ''
        }>${value}<br><small>${LABELS[value]}</small></label>`,
    )
    .join('');
  parts.push(
    `<form method="post" action="./${escapeHtml(encodeURIComponent(token))}">
<fieldset><legend>How would you rate the help you got? (1 bad, 5 great)</legend><div class="choices">${choices}</div></fieldset>
<label for="comment">Anything you would like to tell us? (optional)</label>
<textarea id="comment" name="comment" maxlength="${MAX_SURVEY_COMMENT}">${escapeHtml(comment)}</textarea>
<button type="submit">${survey.rating === null ? 'Send' : 'Change my answer'}</button>
</form>`,
    `<p class="muted">You can change your answer until ${escapeHtml(utc(view.closesAt))}.</p>`,
  );
  return page('How did we do?', parts.join('\n'));
}

/** `?rating=N` of the email's links chooses a rating on the form; nothing is recorded by a GET. */
function ratingOf(value: unknown): number | null {
  return typeof value === 'string' && /^[1-5]$/.test(value) ? Number(value) : null;
}

/**
 * `GET /csat/<token>` and `POST /csat/<token>`: the satisfaction survey's page, without sign-in
 * or JavaScript. The POST (a plain form) goes through the same service as
 * `respondToSatisfactionSurvey`, and both share its rate limits (per IP and per token): over them,
 * 429 with Retry-After. A forged token or unknown survey is 404, a closed survey says so (410 to
 * an answer), a bad rating is 400 with the form again. Everything shown is escaped.
 */
export function csatPage(deps: {
  orm: MikroORM;
  services: Services;
  guards: RequestGuards;
  logger: Logger;
}): Router {
  const router = express.Router();
  const scope = () => ({ em: deps.orm.em.fork() });

  const withinLimits = async (req: Request, res: Response, token: string): Promise<boolean> => {
    const wait = await deps.guards.survey(req.socket.remoteAddress ?? 'unknown', token);
    if (wait === 0) return true;
    res.setHeader('retry-after', String(wait));
    send(
      res,
      429,
      page(
        'Too many requests',
        `<h1>Too many requests</h1><p>Please try again in ${wait} seconds.</p>`,
      ),
    );
    return false;
  };

  router.get('/:token', async (req, res, next) => {
    try {
      const token = String(req.params.token);
      if (!(await withinLimits(req, res, token))) return;
      const view = await deps.services.satisfaction.view(scope(), token);
      if (!view) return notFound(res);
      send(res, 200, surveyPage(view, token, { rating: ratingOf(req.query.rating) }));
    } catch (error) {
      next(error);
    }
  });

  router.post(
    '/:token',
    express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 10 }),
    async (req, res, next) => {
      try {
        const token = String(req.params.token);
        if (!(await withinLimits(req, res, token))) return;
        const body = (req.body ?? {}) as Record<string, unknown>;
        const rating = ratingOf(body.rating);
        const comment = typeof body.comment === 'string' ? body.comment : null;
        let refusal: BusinessRuleError | undefined;
        try {
          // 0 is refused by the service as a rating out of range, like the mutation's.
          await deps.services.satisfaction.respond(scope(), token, rating ?? 0, comment);
        } catch (error) {
          if (!(error instanceof BusinessRuleError)) throw error;
          refusal = error;
        }
        const view = await deps.services.satisfaction.view(scope(), token);
        if (!view || refusal?.code === UserErrorCode.INVALID_TOKEN) return notFound(res);
        if (refusal?.code === UserErrorCode.SURVEY_CLOSED)
          return send(res, 410, surveyPage(view, token, {}));
        if (refusal)
          return send(
            res,
            400,
            surveyPage(view, token, {
              error: rating === null ? 'Please choose a rating from 1 to 5.' : refusal.message,
              rating,
              comment,
            }),
          );
        send(res, 200, surveyPage(view, token, { notice: 'Thank you: your answer is recorded.' }));
      } catch (error) {
        next(error);
      }
    },
  );

  // A body too large or malformed, or a failure: a plain page, never a stack trace.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error
        ? Number((error as { status: unknown }).status)
        : 500;
    if (status >= 500) deps.logger.error({ err: error }, 'the survey page failed');
    send(
      res,
      status >= 400 && status < 600 ? status : 500,
      page('Something went wrong', '<h1>Something went wrong</h1><p>Please try again later.</p>'),
    );
  });
  return router;
}
