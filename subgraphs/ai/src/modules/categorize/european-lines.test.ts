import { describe, expect, it } from 'vitest';
import { categorize } from './categorizer.js';
import { EUROPEAN_LINES } from './european-lines.js';
import { datasetModel } from '../training/model-artifact.js';
import { normalizeDescription } from './normalize.js';
import { lookupMerchant } from './merchant-dictionary.js';

/**
 * Hand-written lines of German, French, Spanish, Italian and Dutch exports (never trained on):
 * a sanity bar, generous on purpose (the held-out scores are in `pnpm eval:categorize`).
 */
describe('European bank lines', () => {
  const model = datasetModel();
  const results = EUROPEAN_LINES.map(([description, amountMinor, slug]) => ({
    description,
    slug,
    result: categorize({ description, amountMinor }, model),
  }));

  it('gets at least 80% of them right at top-1', () => {
    const right = results.filter((r) => r.result.suggestions[0]?.slug === r.slug);
    const wrong = results.filter((r) => r.result.suggestions[0]?.slug !== r.slug).map((r) => `${r.description} -> ${r.result.suggestions[0]?.slug}`);
    expect(right.length / results.length, wrong.join('\n')).toBeGreaterThanOrEqual(0.8);
  });

  it('never reads a salary as a refund', () => {
    for (const r of results.filter((x) => x.slug === 'salary')) {
      expect(r.result.suggestions[0]?.slug, r.description).toBe('salary');
      expect(r.result.slug, r.description).not.toBe('refunds');
    }
  });

  it('gives no confident wrong answer', () => {
    const confidentWrong = results.filter((r) => r.result.slug !== null && r.result.slug !== r.slug && r.result.confidence >= 0.8);
    expect(confidentWrong.map((r) => `${r.description} -> ${r.result.slug} ${r.result.confidence.toFixed(2)}`)).toEqual([]);
  });

  it('folds accents and umlauts the way exports print them', () => {
    expect(normalizeDescription('Kontoführungsgebühr').merchant).toBe(normalizeDescription('KONTOFUEHRUNGSGEBUEHR').merchant);
    expect(normalizeDescription('MÜNCHEN STRAßE').normalized).toBe('muenchen strasse');
    expect(normalizeDescription('Nómina noviembre').merchant).toBe('NOMINA');
    expect(normalizeDescription('Loyer décembre').merchant).toBe('LOYER');
    expect(normalizeDescription('CAFÉ DE FLORE').merchant).toBe('CAFE DE FLORE');
  });

  it('reads the merchant out of the channel words of each language', () => {
    const merchant = (d: string): string | null => normalizeDescription(d).merchant;
    expect(merchant('REWE SAGT DANKE 44231123//Berlin/DE 2024-11-15T10:32:11 Karte Nr. XXXX 1234 Kartenzahlung girocard')).toBe('REWE SAGT DANKE');
    expect(merchant('SEPA-Lastschrift Stadtwerke Muenchen Strom')).toBe('STADTWERKE MUENCHEN STROM');
    expect(merchant('PAIEMENT PAR CARTE X1234 CARREFOUR MARKET 15/11')).toBe('CARREFOUR MARKET');
    expect(merchant('PRLV SEPA EDF ECH/151124 ID EMETTEUR/FR12ZZZ123456')).toBe('EDF');
    expect(merchant('COMPRA EN MERCADONA, CON LA TARJETA : 1234 EL 2024-11-15')).toBe('MERCADONA');
    expect(merchant('PAGAMENTO POS 15/11/2024 10.32 COOP LOMBARDIA MILANO CARTA N. *1234')).toBe('COOP LOMBARDIA');
    expect(merchant('BEA, Betaalpas JUMBO UTRECHT,PAS123 NR:123456, 15.11.24/10:32 Utrecht')).toBe('JUMBO');
    expect(merchant('Bizum enviado a Maria Garcia')).toBe('MARIA GARCIA');
  });

  it('knows the big European chains by name, and no word of a line for another', () => {
    const known = (d: string): string | null => lookupMerchant(normalizeDescription(d).merchant);
    expect(known('REWE SAGT DANKE')).toBe('groceries');
    expect(known('SNCF INTERNET')).toBe('transport');
    expect(known('REPSOL ESTACION')).toBe('fuel');
    expect(known('ALBERT HEIJN 1234')).toBe('groceries');
    expect(known('ESSELUNGA')).toBe('groceries');
    // Short names match only themselves: IP (fuel) is not IPANEMA, DIA is not DIAS, ORANGE is not the river.
    expect(known('IPANEMA SURF')).not.toBe('fuel');
    expect(known('DIAS PADARIA')).not.toBe('groceries');
    expect(known('ORANGE RIVER CELLARS')).toBeNull();
  });
});
