import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { ImportJobDocument, ImportProgressDocument, type ImportJobStateFragment } from '../../generated/graphql';
import { ProgressBar } from '../../ui/components';

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const isFinished = (job: Pick<ImportJobStateFragment, 'status'>) => FINISHED.has(job.status);

/** processed / total, or 0 until the job has counted its rows (a failed job stays where it stopped). */
export function importFraction(job: Pick<ImportJobStateFragment, 'status' | 'total' | 'processed'>): number {
  if (job.status === 'COMPLETED') return 1;
  if (!job.total) return 0;
  return Math.min(1, job.processed / job.total);
}

/**
 * One import job, live: importProgress events land in the cache (ImportJob is normalized by id).
 * A short poll covers events sent before the socket subscribed, and stops once the job is done.
 */
export function ImportProgress({ job: initial }: { job: ImportJobStateFragment }) {
  const [finished, setFinished] = useState(isFinished(initial));
  const { data } = useQuery(ImportJobDocument, { variables: { id: initial.id }, pollInterval: finished ? 0 : 3000 });
  useSubscription(ImportProgressDocument, { variables: { id: initial.id }, skip: finished });
  const job = data?.importJob ?? initial;
  useEffect(() => {
    if (isFinished(job)) setFinished(true);
  }, [job]);
  const percent = Math.round(importFraction(job) * 100);
  return (
    <div className="stack" data-testid="import-job">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <strong>{job.status.toLowerCase()}</strong>
        <span className="muted" data-testid="import-percent">
          {percent}% · {job.processed}
          {job.total !== null ? ` of ${job.total}` : ''} rows · {job.imported} imported · {job.duplicates} duplicates
        </span>
      </div>
      <ProgressBar value={importFraction(job)} label="Import progress" tone={job.status === 'FAILED' ? 'EXCEEDED' : undefined} />
      {job.errors.length > 0 && (
        <div>
          <h3 style={{ fontSize: 'var(--text-md)', margin: '8px 0' }}>Rows not imported</h3>
          <table>
            <thead>
              <tr>
                <th>Line</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.map((e) => (
                <tr key={`${e.line}-${e.message}`}>
                  <td>{e.line === 0 ? 'file' : e.line}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
