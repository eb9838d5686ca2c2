import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { apiProblems, formProblems } from '../../api/errors';
import { CategoriesDocument, CreateRuleDocument, DeleteRuleDocument, RecentTransactionsDocument, RulesDocument, type RuleField, type RuleOperator } from '../../generated/graphql';
import { Amount, Button, Card, FormErrors, SelectField, TextField } from '../../ui/components';
import { ruleMatches } from './rule-match';

const FIELDS = ['field', 'operator', 'value', 'minAmount', 'maxAmount', 'categoryId', 'priority'] as const;
const OPERATORS: RuleOperator[] = ['CONTAINS', 'EQUALS', 'STARTS_WITH', 'REGEX'];

export default function RulesPage() {
  const { data, error } = useQuery(RulesDocument);
  const { data: categories } = useQuery(CategoriesDocument);
  const [form, setForm] = useState({ field: 'DESCRIPTION' as RuleField, operator: 'CONTAINS' as RuleOperator, value: '', minAmount: '', maxAmount: '', categoryId: '', priority: '0' });
  const [testing, setTesting] = useState(false);
  const recent = useQuery(RecentTransactionsDocument, { skip: !testing });
  const [create, creating] = useMutation(CreateRuleDocument, { refetchQueries: [RulesDocument] });
  const [remove, removing] = useMutation(DeleteRuleDocument, { refetchQueries: [RulesDocument] });
  const problems = formProblems(creating.error, FIELDS);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = {
      field: form.field,
      operator: form.operator,
      value: form.value,
      categoryId: form.categoryId,
      priority: Number.parseInt(form.priority, 10) || 0,
      ...(form.minAmount ? { minAmount: form.minAmount } : {}),
      ...(form.maxAmount ? { maxAmount: form.maxAmount } : {}),
    };
    const result = await create({ variables: { input } }).catch(() => null);
    if (result?.data) setForm({ ...form, value: '', minAmount: '', maxAmount: '' });
  }
  const matches = testing ? (recent.data?.transactions.edges.map((e) => e.node).filter((t) => ruleMatches(form, { description: t.description, merchant: t.merchant, amount: t.amount.amount })) ?? []) : [];
  return (
    <>
      <h1>Rules</h1>
      <div className="stack">
        <Card title="New rule">
          <form className="stack" onSubmit={submit} noValidate>
            <FormErrors messages={problems.general} />
            <div className="row">
              <SelectField label="When" value={form.field} onChange={(e) => setForm({ ...form, field: e.target.value as RuleField })} error={problems.byField.field}>
                <option value="DESCRIPTION">description</option>
                <option value="MERCHANT">merchant</option>
              </SelectField>
              <SelectField label="Operator" value={form.operator} onChange={(e) => setForm({ ...form, operator: e.target.value as RuleOperator })} error={problems.byField.operator}>
                {OPERATORS.map((o) => (
                  <option key={o} value={o}>
                    {o.replace('_', ' ').toLowerCase()}
                  </option>
                ))}
              </SelectField>
              <TextField label="Value" value={form.value} onChange={(e) => setForm({ ...form, value: e.target.value })} error={problems.byField.value} />
              <TextField label="Min amount" inputMode="decimal" value={form.minAmount} onChange={(e) => setForm({ ...form, minAmount: e.target.value })} error={problems.byField.minAmount} />
              <TextField label="Max amount" inputMode="decimal" value={form.maxAmount} onChange={(e) => setForm({ ...form, maxAmount: e.target.value })} error={problems.byField.maxAmount} />
              <SelectField label="Category" value={form.categoryId} onChange={(e) => setForm({ ...form, categoryId: e.target.value })} error={problems.byField.categoryId}>
                <option value="">Choose…</option>
                {categories?.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </SelectField>
              <TextField label="Priority" type="number" value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value })} error={problems.byField.priority} />
            </div>
            <div className="row">
              <Button type="submit" disabled={creating.loading}>
                Create rule
              </Button>
              <Button variant="secondary" onClick={() => setTesting(true)} disabled={!form.value}>
                Test on recent transactions
              </Button>
            </div>
          </form>
          {testing && (
            <div aria-live="polite">
              {recent.loading ? (
                <p className="muted">Loading recent transactions…</p>
              ) : (
                <>
                  <p>
                    Matches {matches.length} of the last {recent.data?.transactions.edges.length ?? 0} transactions.
                  </p>
                  <ul>
                    {matches.slice(0, 10).map((t) => (
                      <li key={t.id}>
                        {t.date} {t.merchant ?? t.description} <Amount amount={t.amount.amount} currency={t.amount.currency} />
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
        </Card>
        <Card title="Your rules">
          <FormErrors messages={[...apiProblems(error), ...apiProblems(removing.error)].map((p) => p.message)} />
          {data?.rules.length === 0 && <p className="muted">No rules yet.</p>}
          <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {data?.rules.map((r) => (
              <li key={r.id} className="row" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
                <span>
                  {r.field.toLowerCase()} {r.operator.replace('_', ' ').toLowerCase()} “{r.value}”{r.minAmount ? ` ≥ ${r.minAmount}` : ''}
                  {r.maxAmount ? ` ≤ ${r.maxAmount}` : ''} → <strong>{r.category.name}</strong> <span className="muted">priority {r.priority}</span>
                </span>
                <Button size="small" variant="danger" onClick={() => remove({ variables: { id: r.id } }).catch(() => undefined)}>
                  Delete
                </Button>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
