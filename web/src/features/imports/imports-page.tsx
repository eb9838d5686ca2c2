import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type DragEvent, type FormEvent } from 'react';
import { formProblems } from '../../api/errors';
import { AccountsDocument, ImportTransactionsDocument, type ImportFormat, type ImportJobStateFragment } from '../../generated/graphql';
import { Button, Card, FormErrors, SelectField } from '../../ui/components';
import { ImportProgress } from './import-progress';

/** OFX by extension or by its header; anything else is read as CSV. */
export function formatOf(name: string, content: string): ImportFormat {
  return /\.(ofx|qfx)$/i.test(name) || /^\s*(OFXHEADER|<\?xml[^>]*>\s*<\?OFX|<OFX>)/i.test(content) ? 'OFX' : 'CSV';
}

export default function ImportsPage() {
  const { data: accounts } = useQuery(AccountsDocument);
  const [accountId, setAccountId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [jobs, setJobs] = useState<ImportJobStateFragment[]>([]);
  const [start, { loading, error }] = useMutation(ImportTransactionsDocument);
  const problems = formProblems(error, ['accountId', 'format', 'content']);
  const chosenAccount = accountId || accounts?.accounts[0]?.id || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    const content = await file.text();
    const result = await start({ variables: { input: { accountId: chosenAccount, format: formatOf(file.name, content), content } } }).catch(() => null);
    const job = result?.data?.importTransactions;
    if (job) {
      setJobs((all) => [job, ...all]);
      setFile(null);
    }
  }
  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  }
  return (
    <>
      <h1>Import a statement</h1>
      <div className="stack">
        <Card>
          <form className="stack" onSubmit={submit} noValidate>
            <FormErrors messages={problems.general} />
            <SelectField label="Into account" value={chosenAccount} onChange={(e) => setAccountId(e.target.value)} error={problems.byField.accountId}>
              {accounts?.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.currency})
                </option>
              ))}
            </SelectField>
            <label
              className="card"
              style={{ borderStyle: 'dashed', textAlign: 'center', background: dragging ? '#eef6f2' : undefined, cursor: 'pointer' }}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
            >
              {file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : 'Drop a CSV or OFX bank statement here, or choose a file'}
              <input type="file" accept=".csv,.ofx,.qfx,text/csv" style={{ display: 'block', margin: '8px auto 0' }} aria-label="Statement file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </label>
            {(problems.byField.content || problems.byField.format) && (
              <span className="error" role="alert" style={{ color: 'var(--bad)' }}>
                {problems.byField.content ?? problems.byField.format}
              </span>
            )}
            <div>
              <Button type="submit" disabled={!file || !chosenAccount || loading}>
                {loading ? 'Uploading…' : 'Import'}
              </Button>
            </div>
            <p className="muted">CSV: a header row with date, description and amount columns (`;` or `,`). OFX 1.x and 2.x.</p>
          </form>
        </Card>
        {jobs.map((job) => (
          <Card key={job.id} title="Import">
            <ImportProgress job={job} />
          </Card>
        ))}
      </div>
    </>
  );
}
