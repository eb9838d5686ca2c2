import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ImportJobDocument, ImportProgressDocument, type ImportJobStateFragment } from '../../generated/graphql';
import { renderWithApi } from '../../test/render';
import { formatOf } from './imports-page';
import { importFraction, ImportProgress } from './import-progress';

const job = (over: Partial<ImportJobStateFragment>): ImportJobStateFragment => ({
  __typename: 'ImportJob',
  id: 'job-1',
  status: 'RUNNING',
  total: 200,
  processed: 50,
  imported: 50,
  duplicates: 0,
  errors: [],
  ...over,
});

describe('import progress', () => {
  it('moves the bar with the job as its progress events arrive, to 100% with the rows that failed by line', async () => {
    const done = job({ status: 'COMPLETED', processed: 200, imported: 197, duplicates: 1, errors: [{ __typename: 'ImportError', line: 7, message: 'amount "abc" is not a number' }] });
    renderWithApi(<ImportProgress job={job({})} />, [
      { request: { query: ImportJobDocument, variables: { id: 'job-1' } }, result: { data: { importJob: job({ processed: 100, imported: 100 }) } } },
      { request: { query: ImportProgressDocument, variables: { id: 'job-1' } }, result: { data: { importProgress: done } }, delay: 50 },
    ]);
    const bar = screen.getByRole('progressbar', { name: 'Import progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('100'));
    expect(screen.getByTestId('import-percent').textContent).toContain('197 imported · 1 duplicates');
    expect(screen.getByRole('cell', { name: '7' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'amount "abc" is not a number' })).toBeTruthy();
  });

  it('counts from processed/total, and shows a whole-file failure as "file"', () => {
    expect(importFraction({ status: 'QUEUED', total: null, processed: 0 })).toBe(0);
    expect(importFraction({ status: 'RUNNING', total: 3, processed: 1 })).toBeCloseTo(1 / 3);
    expect(importFraction({ status: 'COMPLETED', total: 0, processed: 0 })).toBe(1);
    renderWithApi(<ImportProgress job={job({ status: 'FAILED', total: null, processed: 0, errors: [{ __typename: 'ImportError', line: 0, message: 'not a CSV file' }] })} />, [
      { request: { query: ImportJobDocument, variables: { id: 'job-1' } }, result: { data: { importJob: null } } },
    ]);
    expect(screen.getByRole('cell', { name: 'file' })).toBeTruthy();
  });

  it('tells OFX from CSV by name or header', () => {
    expect(formatOf('extrato.OFX', '')).toBe('OFX');
    expect(formatOf('download', 'OFXHEADER:100\nDATA:OFXSGML')).toBe('OFX');
    expect(formatOf('download', '<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?>')).toBe('OFX');
    expect(formatOf('statement.csv', 'date,description,amount')).toBe('CSV');
  });
});
