import { describe, expect, it } from 'vitest';
import { normalizeDescription } from './normalize.js';

// [bank line, merchant, normalized]
const CASES: readonly [string, string | null, string][] = [
  // South African card and app exports: truncated names, "* 24 Aug", processor prefixes, fees.
  ['POS Purchase Checkers Sandton * 24 Aug', 'CHECKERS', 'pos purchase checkers'],
  ['POS Purchase Woolworths Rosebank C * 03 Sep', 'WOOLWORTHS', 'pos purchase woolworths rosebank c'],
  ['Card Purchase Spar Northgate Johannesburg', 'SPAR NORTHGATE', 'card purchase spar northgate'],
  ['Cheque Card Purchase Engen Quickshop 453409*8162 02 MAR', 'ENGEN QUICKSHOP', 'cheque card purchase engen quickshop'],
  ['Rtc Express Pmt To Thabo Nkosi', 'THABO NKOSI', 'rtc express pmt to thabo nkosi'],
  ['Payshap Payment To Thabo', 'THABO', 'payshap payment to thabo'],
  ['Banking App Payment', 'BANKING APP PAYMENT', 'banking app payment'],
  ['Prepaid Airtime', 'PREPAID AIRTIME', 'prepaid airtime'],
  ['#Monthly Account Fee', 'MONTHLY ACCOUNT FEE', 'monthly account fee'],
  ['SMS Notification Fee', 'SMS NOTIFICATION FEE', 'sms notification fee'],
  ['#Item Unpaid No Funds', 'ITEM UNPAID NO FUNDS', 'item unpaid no funds'],
  ['Insufficient Funds Fee', 'INSUFFICIENT FUNDS FEE', 'insufficient funds fee'],
  ['Snapscan Joes Coffee', 'JOES COFFEE', 'snapscan joes coffee'],
  ['Dashpay*Bobs Butchery', 'BOBS BUTCHERY', 'dashpay bobs butchery'],
  ['Yoco *Kota King', 'KOTA KING', 'yoco kota king'],
  ['Zapper Mugg Bean', 'MUGG BEAN', 'zapper mugg bean'],
  ['Pos Local Purchase Kfc Rondebosch', 'KFC RONDEBOSCH', 'pos local purchase kfc rondebosch'],
  ['ACB DEBIT:EXTERNAL SANLAM', 'SANLAM', 'acb debit external sanlam'],
  ['Scheduled Payment To Domestic Worker', 'DOMESTIC WORKER', 'scheduled payment to domestic worker'],
  // UK, US, AU and IE card lines.
  ['DEBIT CARD PURCHASE - TESCO STORES 3041', 'TESCO STORES', 'debit card purchase tesco stores'],
  ['CARD PAYMENT TO SAINSBURYS ON 12-03', 'SAINSBURYS', 'card payment to sainsburys'],
  ['SQ *BLUE BOTTLE', 'BLUE BOTTLE', 'sq blue bottle'],
  ['PAYPAL *SPOTIFY', 'SPOTIFY', 'paypal spotify'],
  ['EFTPOS WOOLWORTHS 1234 SYDNEY AU', 'WOOLWORTHS', 'eftpos woolworths'],
  ['VISA DEBIT PURCHASE CARD 1234 COLES 0456 MELBOURNE', 'COLES', 'visa debit purchase card coles'],
  ['PETBARN HOBART NSW AUS Card xx9970 Value Date: 18/01/2024', 'PETBARN', 'petbarn'],
  ['VDC-SUPERMACS', 'SUPERMACS', 'vdc supermacs'],
  ['Pos15jan Corrib General Store', 'CORRIB GENERAL STORE', 'pos corrib general store'],
  ['D/D VHI HEALTHCARE', 'VHI HEALTHCARE', 'd d vhi healthcare'],
  // Indian rails: the counterparty between slashes or dashes, handles, IFSC and references dropped.
  ['UPI/123456789012/ZOMATO/paytm@ybl', 'ZOMATO', 'upi zomato'],
  ['TO TRANSFER-UPI/DR/412345678901/ZOMATO/YESB/zomato@ybl/Payment', 'ZOMATO', 'upi zomato'],
  ['UPI-ZOMATO LTD-zomato.payu@hdfcbank-HDFC0000499-412345678901-PAYMENT FROM PHONE', 'ZOMATO', 'upi zomato ltd'],
  ['IMPS-412345678901-RAHUL SHARMA-HDFC-XXXXXXX1234-RENT', 'RAHUL SHARMA', 'imps rahul sharma rent'],
  ['NEFT DR-HDFC0001234-RAHUL SHARMA-NETBANK, MUM-N123456789-RENT', 'RAHUL SHARMA', 'neft rahul sharma netbank mum rent'],
  ['POS 436512XXXXXX1234 BIGBAZAAR', 'BIGBAZAAR', 'pos bigbazaar'],
  ['ACH D- BAJAJ FINANCE-1234567890', 'BAJAJ FINANCE', 'ach d bajaj finance'],
  // More Portuguese shapes.
  ['Compra com cartão - CONTINENTE', 'CONTINENTE', 'compra com cartao continente'],
  ['Pagamento de boleto - ENEL', 'ENEL', 'boleto enel'],
  // Brazilian acquirers and wallets: the merchant follows the star.
  ['PAG*PADARIA SAO JOAO SAO PAULO BR', 'PADARIA SAO JOAO', 'pag padaria sao joao'],
  ['PAGSEGURO*FARMACIA POPULAR', 'FARMACIA POPULAR', 'pag farmacia popular'],
  ['PG *TON BARBEARIA DO ZE', 'BARBEARIA DO ZE', 'pg barbearia do ze'],
  ['MP *MELIMAIS', 'MELIMAIS', 'mp melimais'],
  ['MERCADOPAGO*LOJA DO JOAO', 'LOJA DO JOAO', 'mp loja do joao'],
  // Aggregators: the platform is the merchant, the restaurant or trip stays in the tokens.
  ['IFOOD *IFOOD', 'IFOOD', 'ifood ifood'],
  ['IFD*BURGER KING', 'IFOOD', 'ifood burger king'],
  ['UBER *TRIP HELP.UBER.COM', 'UBER', 'uber uber'],
  ['UBER* EATS PENDING', 'UBER EATS', 'uber eats pending'],
  ['UBER *ONE', 'UBER ONE', 'uber one'],
  ['99APP *99POP', '99APP', '99app'],
  ['AMZN Mktp US*2K3L4M5N6', 'AMAZON', 'amazon marketplace'],
  // Pix, TED and boletos: the counterparty is the merchant; CPF and bank details go.
  ['Pix - Enviado - Maria Silva - •••.456.789-•• - NU PAGAMENTOS', 'MARIA SILVA', 'pix enviado maria silva'],
  ['PIX RECEBIDO JOAO P SANTOS', 'JOAO P SANTOS', 'pix recebido joao p santos'],
  ['TRANSFERENCIA ENVIADA PELO PIX CANTINA ATLANTICO', 'CANTINA ATLANTICO', 'pix enviado cantina atlantico'],
  ['CPF 123.456.789-00 PIX ENVIADO ANA COSTA', 'ANA COSTA', 'pix enviado ana costa'],
  ['TED RECEBIDA 341 0001 EMPRESA XYZ LTDA', 'EMPRESA XYZ', 'ted recebida empresa xyz ltda'],
  ['PAGAMENTO DE BOLETO ENEL SP', 'ENEL', 'boleto enel'],
  ['DEB AUTOMATICO SABESP', 'SABESP', 'debito automatico sabesp'],
  ['ESTORNO COMPRA NETFLIX', 'NETFLIX', 'estorno compra netflix'],
  // Card lines: dates, card masks, instalments, accents, domains and phone numbers.
  ['COMPRA CARTAO DEB 12/03 DROGA RAIA 2231', 'DROGA RAIA', 'compra cartao deb droga raia'],
  ['Magazine Luiza PARC 03/10', 'MAGAZINE LUIZA', 'magazine luiza'],
  ['CASAS BAHIA 2/12', 'CASAS BAHIA', 'casas bahia'],
  ['SÃO JOÃO FARMÁCIA ****1234', 'SAO JOAO FARMACIA', 'sao joao farmacia'],
  ['Netflix.com 866-579-7172 CA', 'NETFLIX', 'netflix'],
  ['2024-03-12 SUPERMERCADO BOM PRECO', 'SUPERMERCADO BOM PRECO', 'supermercado bom preco'],
  // A city that is part of the name stays; a trailing city goes.
  ['DROGARIA SAO PAULO SAO PAULO BR', 'DROGARIA SAO PAULO', 'drogaria sao paulo'],
  ['CITY OF CAPE TOWN', 'CITY OF CAPE TOWN', 'city of cape town'],
  ['BET365', 'BET365', 'bet365'],
  // United States.
  ['SQ *BLUE BOTTLE COFFEE', 'BLUE BOTTLE COFFEE', 'sq blue bottle coffee'],
  ['TST* SHAKE SHACK 123', 'SHAKE SHACK', 'tst shake shack'],
  ['CHECKCARD 0312 STARBUCKS #1234 SEATTLE WA 24431234567890123456789', 'STARBUCKS', 'checkcard starbucks'],
  ['PURCHASE AUTHORIZED ON 03/12 WHOLE FOODS AUSTIN TX S123456789012345 CARD 4321', 'WHOLE FOODS', 'purchase authorized on whole foods'],
  ['ZELLE PAYMENT TO JOHN SMITH CONF# ABC123', 'JOHN SMITH', 'zelle payment to john smith'],
  ['DIRECT DEP ACME CORP PAYROLL PPD ID: 1234567', 'ACME CORP PAYROLL', 'direct dep acme corp payroll'],
  ['APPLE STORE #0503 HOUSTON TX', 'APPLE STORE', 'apple store'],
  // United Kingdom and South Africa.
  ['CARD PAYMENT TO TESCO STORES 3245 ON 12 MAR', 'TESCO STORES', 'card payment to tesco stores'],
  ['FASTER PAYMENT TO J SMITH REF RENT', 'J SMITH', 'faster payment to j smith rent'],
  ['DIRECT DEBIT THAMES WATER', 'THAMES WATER', 'direct debit thames water'],
  ['POS PURCHASE WOOLWORTHS SANDTON', 'WOOLWORTHS', 'pos purchase woolworths'],
  ['YOCO *KOFFIE HUIS', 'KOFFIE HUIS', 'yoco koffie huis'],
  ['DEBIT ORDER DISCOVERY HEALTH', 'DISCOVERY HEALTH', 'debit order discovery health'],
];

describe('normalizeDescription', () => {
  it.each(CASES)('%s', (raw, merchant, normalized) => {
    const n = normalizeDescription(raw);
    expect(n.merchant).toBe(merchant);
    expect(n.normalized).toBe(normalized);
    expect(n.tokens.join(' ')).toBe(n.normalized);
  });

  it('flags instalments and names the processors it peeled', () => {
    expect(normalizeDescription('Magazine Luiza PARC 03/10').instalment).toBe(true);
    expect(normalizeDescription('CASAS BAHIA 2/12').instalment).toBe(true);
    expect(normalizeDescription('CASAS BAHIA').instalment).toBe(false);
    expect(normalizeDescription('PAG*PADARIA SAO JOAO').processors).toEqual(['PAGSEGURO']);
    expect(normalizeDescription('Pix - Enviado - Maria Silva').processors).toEqual(['PIX']);
  });

  it('keeps surnames that are also cities in counterparty names', () => {
    expect(normalizeDescription('PIX ENVIADO MARIA SALVADOR').merchant).toBe('MARIA SALVADOR');
    expect(normalizeDescription('DROGASIL SALVADOR BA').merchant).toBe('DROGASIL');
  });

  it('reads the same merchant through case, accents and noise', () => {
    const variants = ['Padaria São João', 'PADARIA SAO JOAO 12/03', 'padaria sao joao ****4321', 'PAG*PADARIA SAO JOAO LJ 02'];
    expect(new Set(variants.map((v) => normalizeDescription(v).merchant))).toEqual(new Set(['PADARIA SAO JOAO']));
  });

  it('returns no merchant for a line that is only noise', () => {
    expect(normalizeDescription('  ').merchant).toBeNull();
    expect(normalizeDescription('12/03 ****1234').merchant).toBeNull();
  });
});
