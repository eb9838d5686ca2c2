/**
 * Statement parsing alone (no database), one core: rows per second and peak RSS for a seeded
 * statement in each format, streamed from 64 KiB chunks as an upload would come in:
 *   node --import tsx bench/parse.bench.ts [rows=100000] [rounds=3]
 * Prints one line per format and round; the first round includes JIT warm-up.
 */
import { parseStatementStream } from '../subgraphs/transactions/src/modules/imports/parsers/index.js';
import type { StatementFormat } from '../subgraphs/transactions/src/modules/imports/parsers/types.js';
import { Random } from './lib/random.js';

const rowCount = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const MERCHANTS = ['NETFLIX.COM', 'UBER *TRIP', 'PADARIA PÃO QUENTE', 'SUPERMERCADO EXTRA', 'POSTO SHELL', 'FARMÁCIA SÃO JOÃO', 'IFOOD *RESTAURANTE', 'SPOTIFY', 'AMAZON MKTPLACE', 'DROGASIL'];

interface Row {
  day: number;
  month: number;
  cents: number;
  description: string;
}

function rows(count: number): Row[] {
  const random = new Random(20_261_202);
  return Array.from({ length: count }, () => {
    const salary = random.chance(0.02);
    return {
      day: random.int(1, 28),
      month: random.int(1, 12),
      cents: salary ? random.int(300_000, 900_000) : -random.int(100, 400_000),
      description: salary ? 'SALARIO ACME' : `${random.pick(MERCHANTS)} ${random.int(1, 999)}`,
    };
  });
}

const two = (n: number) => String(n).padStart(2, '0');
const decimal = (cents: number, mark: string, group = '') => {
  const whole = String(Math.floor(Math.abs(cents) / 100)).replace(/\B(?=(\d{3})+$)/g, group);
  return `${cents < 0 ? '-' : ''}${whole}${mark}${two(Math.abs(cents) % 100)}`;
};

const FILES: Record<string, { format: StatementFormat; render: (r: Row[]) => string }> = {
  'CSV ; DD/MM 1.234,56': { format: 'CSV', render: (r) => `Data;Descrição;Valor\n${r.map((x) => `${two(x.day)}/${two(x.month)}/2025;${x.description};${decimal(x.cents, ',', '.')}`).join('\n')}\n` },
  'CSV , ISO quoted': { format: 'CSV', render: (r) => `Date,Description,Amount\n${r.map((x) => `2025-${two(x.month)}-${two(x.day)},"${x.description}",${decimal(x.cents, '.')}`).join('\n')}\n` },
  QIF: { format: 'QIF', render: (r) => `!Type:Bank\n${r.map((x) => `D${two(x.month)}/${two(x.day)}'25\nT${decimal(x.cents, '.', ',')}\nP${x.description}\n^`).join('\n')}\n` },
  OFX: {
    format: 'OFX',
    render: (r) =>
      `OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>BRL<BANKTRANLIST>\n${r
        .map((x, i) => `<STMTTRN><TRNTYPE>OTHER<DTPOSTED>2025${two(x.month)}${two(x.day)}<TRNAMT>${decimal(x.cents, '.')}<FITID>${i}<MEMO>${x.description}</STMTTRN>`)
        .join('\n')}\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n`,
  },
  CAMT053: {
    format: 'CAMT053',
    render: (r) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>\n${r
        .map(
          (x, i) =>
            `<Ntry><Amt Ccy="BRL">${decimal(Math.abs(x.cents), '.')}</Amt><CdtDbtInd>${x.cents < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2025-${two(x.month)}-${two(x.day)}</Dt></BookgDt><AcctSvcrRef>R${i}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>${x.description}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
        )
        .join('\n')}\n</Stmt></BkToCstmrStmt></Document>\n`,
  },
};

async function* chunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
}

const data = rows(rowCount);
for (const [name, { format, render }] of Object.entries(FILES)) {
  const bytes = Buffer.from(render(data));
  for (let round = 1; round <= rounds; round++) {
    let peak = process.memoryUsage().rss;
    let good = 0;
    let bad = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for await (const item of parseStatementStream(format, chunks(bytes), { currency: 'BRL' })) {
      if ('detected' in item) continue;
      if (item.ok) good++;
      else bad++;
      if ((good & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    // CPU time is what the parse cost this process: on a loaded machine the wall clock also counts the wait for a core.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${name.padEnd(22)} round ${round}: ${good} rows, ${bad} errors, ${(bytes.length / 1e6).toFixed(1)} MB; wall ${seconds.toFixed(2)} s = ${Math.round(good / seconds).toLocaleString('en')} rows/s; CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(good / cpuSeconds).toLocaleString('en')} rows per CPU-second; peak RSS ${Math.round(peak / 1e6)} MB`,
    );
  }
}
