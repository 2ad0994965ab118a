import { formatTime } from '../model/labels';
import type { TicketDetail } from '../model/ticket';

/**
 * The customer's answer to the survey of the ticket's latest solve: stars, the number and the
 * comment. It arrives live (a SATISFACTION_RATED event carries the ticket with it).
 */
export function SatisfactionBadge({
  satisfaction,
}: {
  satisfaction: TicketDetail['satisfaction'];
}) {
  if (!satisfaction) return null;
  const { rating, comment, respondedAt } = satisfaction;
  return (
    <span
      className={`csat csat--${rating >= 4 ? 'good' : rating === 3 ? 'neutral' : 'bad'}`}
      aria-label={`Customer satisfaction: ${rating} of 5`}
      title={`Rated ${formatTime(respondedAt)}`}
    >
      <span className="csat-stars" aria-hidden="true">
        {'★'.repeat(rating)}
        {'☆'.repeat(5 - rating)}
      </span>{' '}
      <span className="csat-rating">{rating}/5</span>
      {comment && <q className="csat-comment">{comment}</q>}
    </span>
  );
}
