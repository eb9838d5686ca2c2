import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';

// Only the pieces these two charts use, so the bundle carries no more of Chart.js.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

function BarChart({ config, label }: { config: ChartConfiguration<'bar'>; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div style={{ position: 'relative', height: 240 }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

// Charts plot numbers; the amounts shown as text stay exact decimal strings.
const plot = (amount: string) => Number(amount);

export function SpendingChart({ rows }: { rows: readonly { name: string; total: string }[] }) {
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels: rows.map((r) => r.name), datasets: [{ label: 'Spent', data: rows.map((r) => plot(r.total)), backgroundColor: '#0b6e4f' }] },
    options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  };
  return <BarChart config={config} label={`Spending by category: ${rows.map((r) => `${r.name} ${r.total}`).join(', ')}`} />;
}

export function CashFlowChart({ points }: { points: readonly { month: string; income: string; expenses: string }[] }) {
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: points.map((p) => p.month),
      datasets: [
        { label: 'Income', data: points.map((p) => plot(p.income)), backgroundColor: '#1a7f37' },
        { label: 'Expenses', data: points.map((p) => plot(p.expenses)), backgroundColor: '#c62828' },
      ],
    },
    options: { maintainAspectRatio: false, animation: false },
  };
  return <BarChart config={config} label={`Cash flow by month: ${points.map((p) => `${p.month} in ${p.income} out ${p.expenses}`).join('; ')}`} />;
}
