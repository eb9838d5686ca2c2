import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useEffect, useRef, useState } from 'react';
import { apiProblems } from '../../api/errors';
import { AccountsDocument, CategoriesDocument, TransactionsDocument, type TransactionFilter } from '../../generated/graphql';
import { Amount, Button, Card, FormErrors, SelectField, TextField } from '../../ui/components';
import { CategoryPicker } from './category-picker';
import { EditTransactionForm, NewTransactionForm, TransferForm } from './transaction-forms';

const PAGE = 50;

/** The filter the API gets: empty inputs are left out rather than sent as "". */
export function toFilter(form: { accountId: string; categoryId: string; search: string; from: string; to: string; uncategorized: boolean }): TransactionFilter {
  const filter: TransactionFilter = {};
  if (form.accountId) filter.accountId = form.accountId;
  if (form.categoryId) filter.categoryId = form.categoryId;
  if (form.search.trim()) filter.search = form.search.trim();
  if (form.from) filter.from = form.from;
  if (form.to) filter.to = form.to;
  if (form.uncategorized) filter.uncategorized = true;
  return filter;
}

export default function TransactionsPage() {
  const [form, setForm] = useState({ accountId: '', categoryId: '', search: '', from: '', to: '', uncategorized: false });
  const [panel, setPanel] = useState<'none' | 'new' | 'transfer'>('none');
  const [editing, setEditing] = useState<string | null>(null);
  // Typing in the search box does not fire a request per key.
  const filter = toFilter(useDeferredValue(form));
  const { data, previousData, error, fetchMore, refetch, loading } = useQuery(TransactionsDocument, { variables: { filter, first: PAGE }, notifyOnNetworkStatusChange: true });
  const { data: accounts } = useQuery(AccountsDocument);
  const { data: categories } = useQuery(CategoriesDocument);
  const view = data ?? previousData;
  const connection = view?.transactions;
  const sentinel = useRef<HTMLDivElement>(null);

  // Infinite scroll: the next page loads when the end of the list comes into view.
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !connection?.pageInfo.hasNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading) void fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [connection?.pageInfo.endCursor, connection?.pageInfo.hasNextPage, fetchMore, loading]);

  const saved = () => {
    setPanel('none');
    void refetch();
  };
  return (
    <>
      <h1>Transactions</h1>
      <div className="stack">
        <Card
          title="Find"
          actions={
            <span className="row">
              <Button size="small" variant="secondary" onClick={() => setPanel(panel === 'new' ? 'none' : 'new')}>
                New transaction
              </Button>
              <Button size="small" variant="secondary" onClick={() => setPanel(panel === 'transfer' ? 'none' : 'transfer')}>
                New transfer
              </Button>
            </span>
          }
        >
          {panel === 'new' && <NewTransactionForm onSaved={saved} />}
          {panel === 'transfer' && <TransferForm onSaved={saved} />}
          <div className="row" role="search">
            <TextField label="Search" type="search" value={form.search} onChange={(e) => setForm({ ...form, search: e.target.value })} />
            <SelectField label="Account" value={form.accountId} onChange={(e) => setForm({ ...form, accountId: e.target.value })}>
              <option value="">All accounts</option>
              {accounts?.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </SelectField>
            <SelectField label="Category" value={form.categoryId} onChange={(e) => setForm({ ...form, categoryId: e.target.value })}>
              <option value="">All categories</option>
              {categories?.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </SelectField>
            <TextField label="From" type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
            <TextField label="To" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
            <label className="row" style={{ alignItems: 'center', gap: 4 }}>
              <input type="checkbox" checked={form.uncategorized} onChange={(e) => setForm({ ...form, uncategorized: e.target.checked })} /> Uncategorized only
            </label>
          </div>
        </Card>
        <Card title={connection ? `${connection.totalCount} transactions` : 'Transactions'}>
          <FormErrors messages={apiProblems(error).map((p) => p.message)} />
          <table className="responsive">
            <thead>
              <tr>
                <th>Date</th>
                <th>Description</th>
                <th>Category</th>
                <th style={{ textAlign: 'right' }}>Amount</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {connection?.edges.map(({ node: t }) =>
                editing === t.id ? (
                  <tr key={t.id}>
                    <td colSpan={5}>
                      <EditTransactionForm transaction={t} onDone={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={t.id} data-testid="transaction-row">
                    <td>{t.date}</td>
                    <td>
                      {t.merchant ?? t.description}
                      {t.merchant && <div className="muted">{t.description}</div>}
                      {t.transferPeer && <div className="muted">transfer</div>}
                      {t.notes && <div className="muted">{t.notes}</div>}
                      <div className="muted">{t.account.name}</div>
                    </td>
                    <td>
                      <CategoryPicker transaction={t} />
                    </td>
                    <td style={{ textAlign: 'right' }}>
                      <Amount amount={t.amount.amount} currency={t.amount.currency} />
                    </td>
                    <td>
                      <Button size="small" variant="secondary" onClick={() => setEditing(t.id)} aria-label={`Edit ${t.description}`}>
                        Edit
                      </Button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
          {connection?.edges.length === 0 && <p className="muted">No transactions match.</p>}
          <div ref={sentinel} />
          {connection?.pageInfo.hasNextPage && (
            <Button variant="secondary" disabled={loading} onClick={() => fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>
              {loading ? 'Loading…' : 'Load more'}
            </Button>
          )}
        </Card>
      </div>
    </>
  );
}
