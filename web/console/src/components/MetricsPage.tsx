import { useEffect, useState } from 'react';
import { useBackend } from '../api/backend';
import { fetchQuery } from '../api/requests';
import {
  ConsoleSupportMetricsDocument,
  type ConsoleSupportMetricsQuery,
} from '../generated/graphql';

type Figures = ConsoleSupportMetricsQuery['supportMetrics'];

const DAY = 86_400_000;
const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const percent = (share: number | null | undefined) =>
  share == null ? '—' : `${Math.round(share * 100)}%`;
const average = (value: number | null | undefined) => (value == null ? '—' : value.toFixed(2));

/**
 * The lead's figures (SUPPORT_LEAD, ADMIN) over a period of days (UTC, the last 30 by default):
 * the desk's volume and speed, and customer satisfaction (response rate, average, per agent).
 */
export function MetricsPage() {
  const { client } = useBackend();
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [shown, setShown] = useState<{ key: string; figures?: Figures; error?: string }>();
  const key = `${from}..${to}`;

  useEffect(() => {
    let current = true;
    fetchQuery(client, ConsoleSupportMetricsDocument, { from, to }).then(
      ({ supportMetrics }) => current && setShown({ key, figures: supportMetrics }),
      (failure: unknown) =>
        current &&
        setShown({ key, error: failure instanceof Error ? failure.message : String(failure) }),
    );
    return () => {
      current = false;
    };
  }, [client, from, to, key]);

  const figures = shown?.key === key ? shown.figures : undefined;
  const error = shown?.key === key ? shown.error : undefined;
  return (
    <main className="metrics" aria-labelledby="metrics-title">
      <h1 id="metrics-title">Support metrics</h1>
      <form className="metrics-period" onSubmit={(event) => event.preventDefault()}>
        <DayInput id="metrics-from" label="From" value={from} onChange={setFrom} />
        <DayInput id="metrics-to" label="To" value={to} onChange={setTo} />
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!figures && !error && <p className="muted">Loading…</p>}
      {figures && (
        <>
          <dl className="metrics-figures" aria-label="Figures">
            <Figure label="Tickets created" value={String(figures.created)} />
            <Figure label="Tickets solved" value={String(figures.solved)} />
            <Figure label="Backlog at the end" value={String(figures.backlog)} />
            <Figure
              label="Median first response"
              value={
                figures.medianFirstResponseMinutes == null
                  ? '—'
                  : `${Math.round(figures.medianFirstResponseMinutes)} min`
              }
            />
            <Figure label="SLA breach rate" value={percent(figures.slaBreachRate)} />
            <Figure label="Surveys sent" value={String(figures.csatSurveysSent)} />
            <Figure label="CSAT response rate" value={percent(figures.csatResponseRate)} />
            <Figure label="CSAT average (1–5)" value={average(figures.csatAverage)} />
          </dl>
          <h2>Satisfaction per agent</h2>
          {figures.csatByAgent.length === 0 ? (
            <p className="muted">No surveys were sent in this period.</p>
          ) : (
            <table aria-label="Satisfaction per agent">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Surveys sent</th>
                  <th scope="col">Answers</th>
                  <th scope="col">Average</th>
                </tr>
              </thead>
              <tbody>
                {figures.csatByAgent.map((row) => (
                  <tr key={row.agent.id}>
                    <th scope="row">{row.agent.name}</th>
                    <td>{row.surveysSent}</td>
                    <td>{row.responses}</td>
                    <td>{average(row.average)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </main>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A day of the period; clearing the field keeps the last day chosen. */
function DayInput({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (day: string) => void;
}) {
  return (
    <span className="control">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value}
        onChange={(event) => event.target.value && onChange(event.target.value)}
      />
    </span>
  );
}
