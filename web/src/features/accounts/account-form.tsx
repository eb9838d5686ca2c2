import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { formProblems } from '../../api/errors';
import { AccountsDocument, CreateAccountDocument, DashboardDocument, type AccountType } from '../../generated/graphql';
import { Button, FormErrors, SelectField, TextField } from '../../ui/components';

const TYPES: AccountType[] = ['CHECKING', 'SAVINGS', 'CREDIT_CARD', 'CASH', 'INVESTMENT', 'LOAN'];
const FIELDS = ['name', 'type', 'currency', 'openingBalance'] as const;

export function AccountForm({ onCreated }: { onCreated?: () => void }) {
  const [form, setForm] = useState({ name: '', type: 'CHECKING' as AccountType, currency: 'BRL', openingBalance: '0' });
  const [create, { loading, error }] = useMutation(CreateAccountDocument, { refetchQueries: [AccountsDocument, DashboardDocument] });
  const problems = formProblems(error, FIELDS);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ variables: { input: { ...form, currency: form.currency.toUpperCase() } } }).catch(() => null);
    if (result?.data) {
      setForm({ ...form, name: '', openingBalance: '0' });
      onCreated?.();
    }
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="New account" noValidate>
      <FormErrors messages={problems.general} />
      <div className="row">
        <TextField label="Account name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={problems.byField.name} />
        <SelectField label="Type" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value as AccountType })} error={problems.byField.type}>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t.replace('_', ' ').toLowerCase()}
            </option>
          ))}
        </SelectField>
        <TextField label="Currency" value={form.currency} maxLength={3} size={4} onChange={(e) => setForm({ ...form, currency: e.target.value })} error={problems.byField.currency} />
        <TextField label="Opening balance" inputMode="decimal" value={form.openingBalance} onChange={(e) => setForm({ ...form, openingBalance: e.target.value })} error={problems.byField.openingBalance} />
        <Button type="submit" disabled={loading}>
          Add account
        </Button>
      </div>
    </form>
  );
}
