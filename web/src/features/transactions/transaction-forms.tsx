import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { formProblems } from '../../api/errors';
import { AccountsDocument, CreateTransactionDocument, CreateTransferDocument, DeleteTransactionDocument, UpdateTransactionDocument, type TransactionRowFragment } from '../../generated/graphql';
import { Button, FormErrors, SelectField, TextField } from '../../ui/components';

const today = () => new Date().toISOString().slice(0, 10);
// A retried submit (double click, flaky network) must not create a second transaction.
const newKey = () => crypto.randomUUID();

export function NewTransactionForm({ onSaved }: { onSaved: () => void }) {
  const { data: accounts } = useQuery(AccountsDocument);
  const [form, setForm] = useState({ accountId: '', amount: '', date: today(), description: '', idempotencyKey: newKey() });
  const [create, { loading, error }] = useMutation(CreateTransactionDocument);
  const problems = formProblems(error, ['accountId', 'amount', 'date', 'description']);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const accountId = form.accountId || accounts?.accounts[0]?.id || '';
    const result = await create({ variables: { input: { ...form, accountId } } }).catch(() => null);
    if (result?.data) {
      setForm({ ...form, amount: '', description: '', idempotencyKey: newKey() });
      onSaved();
    }
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="New transaction" noValidate>
      <FormErrors messages={problems.general} />
      <div className="row">
        <AccountSelect label="Account" value={form.accountId} onChange={(accountId) => setForm({ ...form, accountId })} error={problems.byField.accountId} />
        <TextField label="Date" type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} error={problems.byField.date} />
        <TextField label="Description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} error={problems.byField.description} />
        <TextField label="Amount" inputMode="decimal" hint="negative = money out" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} error={problems.byField.amount} />
        <Button type="submit" disabled={loading}>
          Add
        </Button>
      </div>
    </form>
  );
}

export function TransferForm({ onSaved }: { onSaved: () => void }) {
  const [form, setForm] = useState({ fromAccountId: '', toAccountId: '', amount: '', toAmount: '', date: today(), description: '', idempotencyKey: newKey() });
  const [transfer, { loading, error }] = useMutation(CreateTransferDocument);
  const problems = formProblems(error, ['fromAccountId', 'toAccountId', 'amount', 'toAmount', 'date', 'description']);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const { toAmount, ...rest } = form;
    const result = await transfer({ variables: { input: { ...rest, ...(toAmount ? { toAmount } : {}) } } }).catch(() => null);
    if (result?.data) {
      setForm({ ...form, amount: '', toAmount: '', description: '', idempotencyKey: newKey() });
      onSaved();
    }
  }
  return (
    <form className="stack" onSubmit={submit} aria-label="New transfer" noValidate>
      <FormErrors messages={problems.general} />
      <div className="row">
        <AccountSelect label="From" value={form.fromAccountId} onChange={(fromAccountId) => setForm({ ...form, fromAccountId })} error={problems.byField.fromAccountId} />
        <AccountSelect label="To" value={form.toAccountId} onChange={(toAccountId) => setForm({ ...form, toAccountId })} error={problems.byField.toAccountId} />
        <TextField label="Amount" inputMode="decimal" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} error={problems.byField.amount} />
        <TextField label="Amount received" hint="when currencies differ" inputMode="decimal" value={form.toAmount} onChange={(e) => setForm({ ...form, toAmount: e.target.value })} error={problems.byField.toAmount} />
        <TextField label="Date" type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} error={problems.byField.date} />
        <Button type="submit" disabled={loading}>
          Transfer
        </Button>
      </div>
    </form>
  );
}

export function EditTransactionForm({ transaction, onDone }: { transaction: TransactionRowFragment; onDone: () => void }) {
  const [form, setForm] = useState({ description: transaction.description, notes: transaction.notes ?? '', amount: transaction.amount.amount, date: transaction.date });
  const [update, { loading, error }] = useMutation(UpdateTransactionDocument);
  const [remove, removing] = useMutation(DeleteTransactionDocument, {
    update(cache) {
      cache.evict({ id: cache.identify({ __typename: 'Transaction', id: transaction.id }) });
      cache.gc();
    },
  });
  const problems = formProblems(error ?? removing.error, ['description', 'notes', 'amount', 'date']);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await update({ variables: { id: transaction.id, input: form } }).catch(() => null);
    if (result?.data) onDone();
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={`Edit ${transaction.description}`} noValidate>
      <FormErrors messages={problems.general} />
      <div className="row">
        <TextField label="Description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} error={problems.byField.description} />
        <TextField label="Notes" value={form.notes} onChange={(e) => setForm({ ...form, notes: e.target.value })} error={problems.byField.notes} />
        <TextField label="Amount" inputMode="decimal" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} error={problems.byField.amount} />
        <TextField label="Date" type="date" value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} error={problems.byField.date} />
        <Button type="submit" disabled={loading}>
          Save
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button variant="danger" disabled={removing.loading} onClick={() => remove({ variables: { id: transaction.id } }).catch(() => undefined)}>
          Delete
        </Button>
      </div>
    </form>
  );
}

function AccountSelect({ label, value, onChange, error }: { label: string; value: string; onChange: (id: string) => void; error: string | undefined }) {
  const { data } = useQuery(AccountsDocument);
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">Choose…</option>
      {data?.accounts.map((a) => (
        <option key={a.id} value={a.id}>
          {a.name} ({a.currency})
        </option>
      ))}
    </SelectField>
  );
}
