import { useMutation, useQuery } from '@apollo/client/react';
import { apiProblems } from '../../api/errors';
import { AlertsDocument, MarkAlertReadDocument, type AlertItemFragment } from '../../generated/graphql';
import { Button, Card, FormErrors } from '../../ui/components';

/** Unread first, newest first within each group. */
export function sortAlerts(alerts: readonly AlertItemFragment[]): AlertItemFragment[] {
  return [...alerts].sort((a, b) => Number(a.readAt !== null) - Number(b.readAt !== null) || b.createdAt.localeCompare(a.createdAt));
}

export function AlertList({ alerts }: { alerts: readonly AlertItemFragment[] }) {
  const [markRead, { error }] = useMutation(MarkAlertReadDocument);
  if (alerts.length === 0) return <p className="muted">No alerts.</p>;
  return (
    <>
      <FormErrors messages={apiProblems(error).map((p) => p.message)} />
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {sortAlerts(alerts).map((alert) => (
          <li key={alert.id} className="row" style={{ justifyContent: 'space-between', alignItems: 'center', opacity: alert.readAt ? 0.6 : 1 }}>
            <span>
              <span className={`badge ${alert.severity}`}>{alert.severity.toLowerCase()}</span> {alert.message}
              <br />
              <span className="muted">{new Date(alert.createdAt).toLocaleString()}</span>
            </span>
            {!alert.readAt && (
              <Button size="small" variant="secondary" onClick={() => markRead({ variables: { id: alert.id } }).catch(() => undefined)}>
                Mark read
              </Button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

export default function AlertsPage() {
  const { data, error } = useQuery(AlertsDocument, { variables: { unreadOnly: false } });
  return (
    <>
      <h1>Alerts</h1>
      <Card>
        <FormErrors messages={apiProblems(error).map((p) => p.message)} />
        {data ? <AlertList alerts={data.alerts} /> : <p className="muted">Loading…</p>}
      </Card>
    </>
  );
}
