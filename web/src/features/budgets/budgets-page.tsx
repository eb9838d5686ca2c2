import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { apiProblems, formProblems } from '../../api/errors';
import { BudgetsDocument, CategoriesDocument, DeleteBudgetDocument, SetBudgetDocument } from '../../generated/graphql';
import { Button, Card, FormErrors, SelectField, TextField } from '../../ui/components';
import { monthOf } from '../dashboard/dates';
import { BudgetBars } from './budget-bars';

const FIELDS = ['categoryId', 'month', 'limit', 'currency'] as const;

export default function BudgetsPage() {
  const [month, setMonth] = useState(() => monthOf(new Date()));
  const { data, error } = useQuery(BudgetsDocument, { variables: { month } });
  const { data: categories } = useQuery(CategoriesDocument);
  const [form, setForm] = useState({ categoryId: '', limit: '', currency: 'BRL' });
  const [setBudget, setting] = useMutation(SetBudgetDocument, { refetchQueries: [{ query: BudgetsDocument, variables: { month } }] });
  const [deleteBudget, deleting] = useMutation(DeleteBudgetDocument, { refetchQueries: [{ query: BudgetsDocument, variables: { month } }] });
  const problems = formProblems(setting.error, FIELDS);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await setBudget({ variables: { input: { ...form, month, currency: form.currency.toUpperCase() } } }).catch(() => null);
    if (result?.data) setForm({ ...form, limit: '' });
  }
  const expenses = categories?.categories.filter((c) => c.kind === 'EXPENSE') ?? [];
  return (
    <>
      <h1>Budgets</h1>
      <div className="stack">
        <Card title="Set a budget">
          <form className="stack" onSubmit={submit} noValidate>
            <FormErrors messages={problems.general} />
            <div className="row">
              <TextField label="Month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} error={problems.byField.month} />
              <SelectField label="Category" value={form.categoryId} onChange={(e) => setForm({ ...form, categoryId: e.target.value })} error={problems.byField.categoryId}>
                <option value="">Choose…</option>
                {expenses.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </SelectField>
              <TextField label="Limit" inputMode="decimal" value={form.limit} onChange={(e) => setForm({ ...form, limit: e.target.value })} error={problems.byField.limit} />
              <TextField label="Currency" maxLength={3} size={4} value={form.currency} onChange={(e) => setForm({ ...form, currency: e.target.value })} error={problems.byField.currency} />
              <Button type="submit" disabled={setting.loading}>
                Save budget
              </Button>
            </div>
          </form>
        </Card>
        <Card title={`Budgets for ${month}`}>
          <FormErrors messages={[...apiProblems(error), ...apiProblems(deleting.error)].map((p) => p.message)} />
          {data ? <BudgetBars budgets={data.budgets} onDelete={(id) => deleteBudget({ variables: { id } }).catch(() => undefined)} /> : <p className="muted">Loading…</p>}
        </Card>
      </div>
    </>
  );
}
