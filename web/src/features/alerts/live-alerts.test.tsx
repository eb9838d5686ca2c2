import { ApolloLink } from '@apollo/client';
import { act, screen, waitFor } from '@testing-library/react';
import { Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AlertsDocument, type AlertItemFragment } from '../../generated/graphql';
import { renderWithApi } from '../../test/render';
import AlertsPage from './alerts-page';
import { LiveAlerts } from './live-alerts';

const alert = (id: string, over: Partial<AlertItemFragment> = {}): AlertItemFragment => ({
  __typename: 'Alert',
  id,
  type: 'BUDGET_EXCEEDED',
  severity: 'CRITICAL',
  message: `alert ${id}`,
  createdAt: '2026-12-01T10:00:00.000Z',
  readAt: null,
  ...over,
});

describe('live alerts', () => {
  it('pops up a raised alert as a toast and puts it at the top of the alerts page, unread first', async () => {
    const older = alert('a1', { message: 'Groceries at 80%', severity: 'WARNING', readAt: '2026-12-01T11:00:00.000Z' });
    const raised = alert('a2', { message: 'Groceries budget exceeded', createdAt: '2026-12-02T10:00:00.000Z' });
    const alertEvents = new Subject<ApolloLink.Result>();
    const socket = new ApolloLink((operation) => (operation.operationName === 'AlertRaised' ? alertEvents.asObservable() : new Observable<ApolloLink.Result>(() => undefined)));
    renderWithApi(
      <>
        <LiveAlerts />
        <AlertsPage />
      </>,
      [{ request: { query: AlertsDocument, variables: { unreadOnly: false } }, result: { data: { alerts: [older] } } }],
      { subscriptions: socket },
    );
    await screen.findByText('Groceries at 80%');
    expect(screen.queryByTestId('toast')).toBeNull();
    act(() => alertEvents.next({ data: { alertRaised: raised } }));
    expect((await screen.findByTestId('toast')).textContent).toContain('Groceries budget exceeded');
    await waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('Groceries budget exceeded'), expect.stringContaining('Groceries at 80%')]));
    expect(screen.getAllByRole('button', { name: 'Mark read' })).toHaveLength(1);
  });
});
