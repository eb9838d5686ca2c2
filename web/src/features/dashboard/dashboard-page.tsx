import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { apiProblems } from '../../api/errors';
import { DashboardDocument } from '../../generated/graphql';
import { Amount, Button, Card, FormErrors } from '../../ui/components';
import { AccountForm } from '../accounts/account-form';
import { AlertList } from '../alerts/alerts-page';
import { BudgetBars } from '../budgets/budget-bars';
import { CashFlowChart, SpendingChart } from './charts';
import { dashboardPeriods, dashboardVariables } from './dates';

export default function DashboardPage() {
  const periods = useMemo(() => dashboardPeriods(new Date()), []);
  const [adding, setAdding] = useState(false);
  // Reports are in one currency: the first account's (most users have one).
  const { data, error, previousData } = useQuery(DashboardDocument, { variables: dashboardVariables(new Date()) });
  const view = data ?? previousData;
  const currency = view?.accounts[0]?.currency ?? 'BRL';
  const { data: inCurrency } = useQuery(DashboardDocument, { variables: { ...periods, currency }, skip: !view || currency === 'BRL' });
  const reports = currency === 'BRL' ? view : (inCurrency ?? view);
  if (!view) return error ? <FormErrors messages={apiProblems(error).map((p) => p.message)} /> : <p className="muted">Loading…</p>;
  return (
    <>
      <h1>Dashboard</h1>
      <div className="grid">
        <Card title="Accounts" actions={<Button size="small" variant="secondary" onClick={() => setAdding(!adding)}>{adding ? 'Close' : 'New account'}</Button>}>
          {(adding || view.accounts.length === 0) && <AccountForm onCreated={() => setAdding(false)} />}
          {view.accounts.length === 0 ? (
            <p className="muted">Add your first account to start.</p>
          ) : (
            <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {view.accounts.map((a) => (
                <li key={a.id} className="row" style={{ justifyContent: 'space-between' }}>
                  <span>
                    {a.name} <span className="muted">{a.type.replace('_', ' ').toLowerCase()}</span>
                  </span>
                  <Amount amount={a.balance.amount} currency={a.balance.currency} />
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={`Budgets ${periods.month}`} actions={<Link to="/budgets">Edit</Link>}>
          <BudgetBars budgets={view.budgets} />
        </Card>
        <Card title="Latest alerts" actions={<Link to="/alerts">All</Link>}>
          <AlertList alerts={view.alerts} />
        </Card>
        <Card title="Spending by category (this month)">
          {reports && reports.spendingByCategory.length > 0 ? (
            <SpendingChart rows={reports.spendingByCategory.map((s) => ({ name: s.category?.name ?? 'Uncategorized', total: s.total.amount }))} />
          ) : (
            <p className="muted">No spending this month yet.</p>
          )}
        </Card>
        <Card title="Cash flow (6 months)">
          {reports && reports.cashFlow.length > 0 ? (
            <CashFlowChart points={reports.cashFlow.map((p) => ({ month: p.periodStart.slice(0, 7), income: p.income.amount, expenses: p.expenses.amount }))} />
          ) : (
            <p className="muted">No transactions yet.</p>
          )}
        </Card>
      </div>
    </>
  );
}
