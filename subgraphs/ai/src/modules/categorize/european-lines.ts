import type { Slug } from './slugs.js';

/**
 * Typical lines of German, French, Spanish, Italian and Dutch bank exports, written by hand (not
 * generated, never trained on): the sanity set of european-lines.test.ts. Amounts in minor units.
 */
export const EUROPEAN_LINES: readonly (readonly [description: string, amountMinor: number, slug: Slug])[] = [
  // Germany
  ['Gehalt November ACME GmbH', 350000, 'salary'],
  ['REWE SAGT DANKE 44231123//Berlin/DE 2024-11-15T10:32:11 Karte Nr. XXXX 1234 Kartenzahlung girocard', -4312, 'groceries'],
  ['EDEKA CENTER MUELLER//Hamburg/DE Kartenzahlung', -2899, 'groceries'],
  ['Miete Dezember Wohnung 3 OG', -95000, 'housing'],
  ['SEPA-Lastschrift Stadtwerke Muenchen Strom Abschlag', -8400, 'utilities'],
  ['ARAL Tankstelle 2812//Koeln/DE', -7120, 'fuel'],
  ['Bargeldauszahlung Geldautomat Sparkasse Koeln', -20000, 'cash'],
  ['Kontoführungsgebühr 11/2024', -690, 'fees'],
  ['Kartenzahlung Apotheke am Markt', -1245, 'health'],
  ['Lastschrift DB Vertrieb GmbH Fahrkarte', -5990, 'transport'],
  ['Lastschrift Deutsche Telekom AG Rechnung 11/24', -4995, 'utilities'],
  ['Rundfunk ARD ZDF DRadio Beitrag', -5508, 'taxes'],
  ['Finanzamt Muenchen Steuer', -45000, 'taxes'],
  ['Zinsen Tagesgeld', 1288, 'investment_income'],
  ['dm-drogerie markt sagt danke', -1899, 'personal_care'],
  // France
  ['VIR SEPA RECU /DE ACME SAS /MOTIF SALAIRE NOVEMBRE', 280000, 'salary'],
  ['Salaire novembre', 240000, 'salary'],
  ['PAIEMENT PAR CARTE CARREFOUR MARKET 15/11', -5640, 'groceries'],
  ['CB LECLERC 14/11', -8812, 'groceries'],
  ['Loyer décembre', -85000, 'housing'],
  ['PRLV SEPA EDF clients particuliers', -7200, 'utilities'],
  ['SNCF INTERNET', -4500, 'transport'],
  ['RETRAIT DAB 15/11 BNP PARIBAS', -6000, 'cash'],
  ['Frais tenue de compte', -300, 'fees'],
  ['PRLV SEPA DGFIP IMPOT', -12000, 'taxes'],
  ['CB PHARMACIE DU CENTRE 12/11', -1830, 'health'],
  ['PRLV SEPA FREE MOBILE', -1999, 'utilities'],
  // Spain
  ['Nómina noviembre', 210000, 'salary'],
  ['COMPRA TARJ. MERCADONA VALENCIA', -6723, 'groceries'],
  ['REPSOL ESTACION', -6500, 'fuel'],
  ['Alquiler diciembre', -75000, 'housing'],
  ['Comisión mantenimiento', -1200, 'fees'],
  ['Reintegro cajero', -5000, 'cash'],
  ['RECIBO IBERDROLA CLIENTES', -6900, 'utilities'],
  ['PAGO CON TARJETA EN RENFE VIAJEROS', -3320, 'transport'],
  ['Bizum enviado a Maria Garcia', -2000, 'transfer'],
  // Italy
  ['Stipendio novembre', 190000, 'salary'],
  ['ESSELUNGA', -5410, 'groceries'],
  ['Affitto dicembre', -70000, 'housing'],
  ['Prelievo bancomat', -10000, 'cash'],
  ['PAGAMENTO POS TRENITALIA ROMA', -2990, 'transport'],
  ['ADDEBITO SDD ENEL ENERGIA', -8100, 'utilities'],
  ['COMMISSIONI BONIFICO', -150, 'fees'],
  ['PAGAMENTO POS COOP LOMBARDIA MILANO', -3120, 'groceries'],
  // Netherlands
  ['Albert Heijn 1234 AMSTERDAM', -3421, 'groceries'],
  ['NS GROEP IZ NS REIZIGERS', -2310, 'transport'],
  ['Huur december', -120000, 'housing'],
  ['BEA, Betaalpas JUMBO UTRECHT,PAS123', -4520, 'groceries'],
  ['SEPA Incasso algemeen doorlopend Ziggo Services BV', -6200, 'utilities'],
  ['GEA, Betaalpas ING Geldautomaat Amsterdam', -5000, 'cash'],
  ['Salaris november ACME BV', 320000, 'salary'],
  ['Belastingdienst', -45000, 'taxes'],
  ['Kosten Oranjepakket', -365, 'fees'],
];
