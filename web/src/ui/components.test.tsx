import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { dashboardPeriods } from '../features/dashboard/dates';
import { toFilter } from '../features/transactions/transactions-page';
import { Amount, formatMoney, ProgressBar, TextField } from './components';

describe('design system', () => {
  it('formats exact decimal strings as money without going through a float', () => {
    expect(formatMoney('-1234567.5', 'BRL')).toBe('-1,234,567.50 BRL');
    expect(formatMoney('0.1', 'USD')).toBe('0.10 USD');
    expect(formatMoney('12345678901234567.89', 'BRL')).toBe('12,345,678,901,234,567.89 BRL');
    expect(formatMoney('1500', 'JPY')).toBe('1,500 JPY');
    render(<Amount amount="-12.30" currency="BRL" />);
    expect(screen.getByText('-12.30 BRL').className).toContain('neg');
  });

  it('ties a field error to its input for assistive technology', () => {
    render(<TextField label="Limit" error="Limit must be positive" />);
    const input = screen.getByLabelText('Limit');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toBe('Limit must be positive');
    expect(screen.getByRole('alert').textContent).toBe('Limit must be positive');
  });

  it('reports progress as a clamped percentage', () => {
    render(<ProgressBar value={1.5} label="Groceries budget used" />);
    expect(screen.getByRole('progressbar', { name: 'Groceries budget used' }).getAttribute('aria-valuenow')).toBe('100');
  });

  it('sends only the filters a user set, and asks the dashboard for this month and six of cash flow', () => {
    expect(toFilter({ accountId: '', categoryId: 'c1', search: '  uber ', from: '', to: '2026-12-31', uncategorized: false })).toEqual({ categoryId: 'c1', search: 'uber', to: '2026-12-31' });
    expect(dashboardPeriods(new Date(2026, 1, 14))).toEqual({ month: '2026-02', from: '2026-02-01', to: '2026-02-28', cashFrom: '2025-09-01' });
  });
});
