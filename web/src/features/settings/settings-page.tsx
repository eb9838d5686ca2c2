import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { formProblems } from '../../api/errors';
import { AlertSettingsDocument, SetLargeTransactionThresholdDocument } from '../../generated/graphql';
import { Button, Card, FormErrors, TextField, formatMoney } from '../../ui/components';

export default function SettingsPage() {
  const [currency, setCurrency] = useState('BRL');
  const [amount, setAmount] = useState('');
  const [saved, setSaved] = useState(false);
  const { data } = useQuery(AlertSettingsDocument, { variables: { currency: /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'BRL' } });
  const [save, { loading, error }] = useMutation(SetLargeTransactionThresholdDocument, { refetchQueries: [AlertSettingsDocument] });
  const problems = formProblems(error, ['amount', 'currency']);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const result = await save({ variables: { amount, currency: currency.toUpperCase() } }).catch(() => null);
    if (result?.data) setSaved(true);
  }
  const current = data?.alertSettings.largeTransactionThreshold;
  return (
    <>
      <h1>Settings</h1>
      <Card title="Large-transaction alerts">
        <p className="muted">A single money-out transaction of at least this amount raises an alert.</p>
        {current && <p>Now: {formatMoney(current.amount, current.currency)}</p>}
        <form className="stack" onSubmit={submit} noValidate>
          <FormErrors messages={problems.general} />
          <div className="row">
            <TextField label="Threshold" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={problems.byField.amount} />
            <TextField label="Currency" maxLength={3} size={4} value={currency} onChange={(e) => setCurrency(e.target.value)} error={problems.byField.currency} />
            <Button type="submit" disabled={loading}>
              Save
            </Button>
          </div>
          {saved && <p role="status">Saved.</p>}
        </form>
        {data && data.alertSettings.largeTransactionThresholds.length > 0 && (
          <p className="muted">Your thresholds: {data.alertSettings.largeTransactionThresholds.map((m) => formatMoney(m.amount, m.currency)).join(', ')}</p>
        )}
      </Card>
    </>
  );
}
