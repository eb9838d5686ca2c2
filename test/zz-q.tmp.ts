import { graphql, ok } from '@centavo/testing';
const url = 'http://127.0.0.1:4600/graphql';
const login = async () => { /* newest perf user */ };
void login;
const email = process.argv[2]!;
const { login: s } = await ok<any>(url, 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email, password: 'correct horse battery' } });
const qs: Record<string, string> = {
  accounts: '{ accounts { id balance { amount } } }',
  budgets: '{ budgets(month: "2026-12") { id spent { amount } } }',
  alerts: '{ alerts(first: 5) { id } }',
  spending: '{ spendingByCategory(from: "2026-12-01", to: "2026-12-31", currency: "BRL") { category { id name } total { amount } count } }',
  cashflow: '{ cashFlow(from: "2026-07-01", to: "2026-12-31", currency: "BRL", interval: MONTH) { periodStart income { amount } } }',
};
for (let round = 0; round < 2; round++) for (const [name, q] of Object.entries(qs)) {
  const t = performance.now();
  const r = await graphql(url, q, {}, s.accessToken);
  console.log(name, Math.round(performance.now() - t), 'ms', r.errors ? JSON.stringify(r.errors) : '');
}
