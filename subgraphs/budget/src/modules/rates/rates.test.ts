import { describe, expect, it } from 'vitest';
import { convertMinor, crossRatio, directRatio, divideHalfEven, formatRatio, inverseRatio, parseRate } from './rate-math.js';
import { parseEcbXml, parseRatesCsv, RateFileError } from './rate-parsers.js';
import { RateTable, type StoredRate } from './rate-table.js';

const ECB = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender>
		<gesmes:name>European Central Bank</gesmes:name>
	</gesmes:Sender>
	<Cube>
		<Cube time='2026-12-02'>
			<Cube currency='USD' rate='1.0550'/>
			<Cube currency='JPY' rate='158.12'/>
			<Cube currency='BRL' rate='6.1234'/>
		</Cube>
		<Cube time='2026-12-01'>
			<Cube currency='USD' rate='1.0500'/>
			<Cube currency='CYP' rate='0.5853'/>
		</Cube>
	</Cube>
</gesmes:Envelope>`;

describe('rate math', () => {
  it('rounds half to even', () => {
    expect([5n, 15n, 25n, -5n, -15n, 7n, -7n].map((n) => divideHalfEven(n, 10n))).toEqual([0n, 2n, 2n, 0n, -2n, 1n, -1n]);
  });

  it('converts minor units across exponents exactly', () => {
    // 100.00 USD at 5.25 BRL = 525.00 BRL
    expect(convertMinor(10000n, directRatio(parseRate('5.25')), 'USD', 'BRL')).toBe(52500n);
    // 1000 JPY at 0.0061 EUR/JPY = 6.10 EUR; 10.00 EUR at 158.125 → 1581.25 → 1581 JPY (half-even down)
    expect(convertMinor(1000n, directRatio(parseRate('0.0061')), 'JPY', 'EUR')).toBe(610n);
    expect(convertMinor(1000n, directRatio(parseRate('158.125')), 'EUR', 'JPY')).toBe(1581n);
    expect(convertMinor(1000n, directRatio(parseRate('158.15')), 'EUR', 'JPY')).toBe(1582n);
    // 1.00 BRL through the inverse of 5 → 0.20 USD; cross EUR→USD 1.05, EUR→BRL 6.30: 10.00 USD = 60.00 BRL
    expect(convertMinor(100n, inverseRatio(parseRate('5')), 'BRL', 'USD')).toBe(20n);
    expect(convertMinor(1000n, crossRatio(parseRate('1.05'), parseRate('6.30')), 'USD', 'BRL')).toBe(6000n);
    expect(formatRatio(inverseRatio(parseRate('3')))).toBe('0.3333333333');
  });

  it('refuses zero, negative, float-like and too precise rates', () => {
    for (const bad of ['0', '-1.5', '1e3', 'NaN', '', '1.0000000000001']) expect(() => parseRate(bad), bad).toThrow();
  });
});

describe('rate table', () => {
  const rate = (id: string, base: string, quote: string, day: string, value: string): StoredRate => ({ id, base, quote, day, units: parseRate(value) });
  const table = new RateTable([
    rate('a', 'USD', 'BRL', '2026-01-01', '5.00'),
    rate('b', 'USD', 'BRL', '2026-01-10', '5.50'),
    rate('c', 'BRL', 'USD', '2026-01-12', '0.25'),
    rate('d', 'EUR', 'GBP', '2026-01-05', '0.80'),
    rate('e', 'EUR', 'BRL', '2026-01-07', '6.00'),
  ]);

  it('uses the latest rate on or before the day, direct before inverse on a tie, and nothing before the first', () => {
    expect(table.find('USD', 'BRL', '2025-12-31')).toBeNull();
    expect(table.find('USD', 'BRL', '2026-01-09')).toMatchObject({ method: 'DIRECT', day: '2026-01-01', key: 'a' });
    expect(table.find('USD', 'BRL', '2026-01-10')).toMatchObject({ method: 'DIRECT', day: '2026-01-10', key: 'b' });
    expect(table.find('USD', 'BRL', '2026-02-01')).toMatchObject({ method: 'INVERSE', day: '2026-01-12', key: 'c' });
  });

  it('crosses through a common base at the older of the two rates', () => {
    const cross = table.find('GBP', 'BRL', '2026-01-08');
    expect(cross).toMatchObject({ method: 'CROSS', day: '2026-01-05', key: 'd+e' });
    // 8.00 GBP = 10 EUR = 60.00 BRL
    expect(convertMinor(800n, cross!.ratio, 'GBP', 'BRL')).toBe(6000n);
    expect(table.find('GBP', 'BRL', '2026-01-06')).toBeNull();
  });
});

describe('rate files', () => {
  it('reads the ECB XML as EUR rates, skipping codes no longer in ISO 4217', () => {
    const { rates, skipped } = parseEcbXml(ECB);
    expect(skipped).toBe(1);
    expect(rates.map((r) => `${r.day} ${r.base}/${r.quote} ${r.units}`)).toEqual([
      '2026-12-02 EUR/USD 1055000000000',
      '2026-12-02 EUR/JPY 158120000000000',
      '2026-12-02 EUR/BRL 6123400000000',
      '2026-12-01 EUR/USD 1050000000000',
    ]);
  });

  it('refuses XML that is not the ECB format or is malformed, naming the line', () => {
    expect(() => parseEcbXml('<html><body>hi</body></html>')).toThrow(/not an ECB/);
    expect(() => parseEcbXml(ECB.replace("rate='6.1234'", "rate='-6'"))).toThrow(/line 11: a rate must be greater than zero/);
    expect(() => parseEcbXml(ECB.replace("time='2026-12-01'", "time='2026-13-01'"))).toThrow(RateFileError);
    expect(() => parseEcbXml(ECB.replace("<Cube currency='USD' rate='1.0500'/>", "<Cube currency='USD' rate='1.0500'>"))).toThrow(/never closed/);
    expect(() => parseEcbXml(ECB.replace("currency='JPY'", "currency='XYZ1'"))).toThrow(/line 10/);
    expect(() => parseEcbXml(ECB.replace(/<Cube time[\s\S]*<\/Cube>\s*<\/Cube>/, '</Cube>'))).toThrow(/no dated Cube/);
    expect(() => parseEcbXml(`<!DOCTYPE x [<!ENTITY a "b">]>${ECB}`)).toThrow(/DOCTYPE/);
  });

  it('reads CSV in any column order, with ; and a decimal comma, later rows winning', () => {
    const { rates } = parseRatesCsv('Rate;Date;Quote;Base;Note\n5,25;2026-01-02;brl;usd;x\n\n5,30;2026-01-02;BRL;USD;y\n');
    expect(rates).toEqual([{ base: 'USD', quote: 'BRL', day: '2026-01-02', units: parseRate('5.30') }]);
    expect(parseRatesCsv('date,base,quote,rate\r\n2026-01-02,EUR,JPY,158\r\n').rates).toHaveLength(1);
  });

  it('refuses CSV without the columns, with unknown codes, bad dates or rates, naming the line', () => {
    expect(() => parseRatesCsv('')).toThrow(/empty/);
    expect(() => parseRatesCsv('date,base,rate\n2026-01-01,USD,5')).toThrow(/no "quote" column/);
    expect(() => parseRatesCsv('date,base,quote,rate\n2026-01-01,USD,BRL,5\n2026-01-02,USD,XXQ,5')).toThrow(/line 3: .*ISO 4217/);
    expect(() => parseRatesCsv('date,base,quote,rate\n2026-02-30,USD,BRL,5')).toThrow(/line 2: .*not a date/);
    expect(() => parseRatesCsv('date,base,quote,rate\n2026-02-01,USD,BRL,0')).toThrow(/line 2: a rate must be greater than zero/);
    expect(() => parseRatesCsv('date,base,quote,rate\n2026-02-01,USD,USD,1')).toThrow(/both USD/);
    expect(() => parseRatesCsv('date,base,quote,rate\n')).toThrow(/no rates/);
  });
});
