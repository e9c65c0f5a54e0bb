/**
 * The closed value lists of the schema (spelled exactly as in otc_ops.sql) and the invented
 * word pools the generator composes names from. Nothing here names a real firm or person.
 */

export const SECTORS = ['Bank', 'Hedge Fund', 'Asset Manager', 'Insurance', 'Pension Fund', 'Corporate', 'Sovereign'] as const;
export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CH', 'NL', 'JP', 'SG', 'CA', 'AU', 'IE', 'LU'] as const;
export const RATINGS = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B'] as const;
export const DESKS = ['G10 Rates', 'EM Rates', 'Credit Trading', 'FX Forwards', 'FX Options', 'Equity Derivatives', 'Commodities'] as const;
export const ASSET_CLASSES = ['Rates', 'Credit', 'FX', 'Equity', 'Commodity'] as const;
export const REGIONS = ['EMEA', 'AMER', 'APAC'] as const;
export const LEGAL_ENTITIES = ['Bank PLC', 'Bank Inc', 'Bank AG', 'Bank Japan KK'] as const;
export const PRODUCTS_BY_ASSET_CLASS = {
  Rates: ['Interest Rate Swap', 'OIS', 'Cross Currency Swap', 'FRA', 'Swaption', 'Cap/Floor'],
  Credit: ['CDS Single Name', 'CDS Index'],
  FX: ['FX Forward', 'FX Swap', 'FX Option', 'NDF'],
  Equity: ['Equity Swap', 'Equity Option'],
  Commodity: ['Commodity Swap', 'Commodity Option'],
} as const;
export const PRODUCT_TYPES = Object.values(PRODUCTS_BY_ASSET_CLASS).flat();
export const TRADE_DIRECTIONS = ['Pay', 'Receive', 'Buy', 'Sell'] as const;
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'AUD', 'CAD', 'SGD'] as const;
export const VENUES = ['Voice', 'SEF', 'MTF', 'Electronic'] as const;
export const CCPS = ['LCH', 'CME', 'Eurex', 'JSCC'] as const;
export const TRADE_STATUSES = ['Live', 'Matured', 'Terminated', 'Cancelled', 'Novated'] as const;
export const SOURCE_SYSTEMS = ['Murex', 'Calypso', 'Summit'] as const;
export const CONFIRM_PLATFORMS = ['DTCC', 'MarkitWire', 'SWIFT', 'Paper'] as const;
export const CONFIRM_STATUSES = ['Pending', 'Unmatched', 'Disputed', 'Matched', 'Cancelled'] as const;
export const BREAK_REASONS = ['Economic Mismatch', 'Notional Mismatch', 'Rate Mismatch', 'Date Mismatch', 'Missing Trade', 'Legal Terms'] as const;
export const CASHFLOW_TYPES = ['Coupon', 'Premium', 'Fee', 'Principal', 'Upfront', 'Final Exchange'] as const;
export const SETTLEMENT_DIRECTIONS = ['Pay', 'Receive'] as const;
export const SETTLEMENT_METHODS = ['SWIFT', 'CLS', 'CCP', 'Netted'] as const;
export const SETTLEMENT_STATUSES = ['Pending', 'Settled', 'Failed', 'Cancelled'] as const;
export const FAIL_REASONS = ['Missing SSI', 'Incorrect SSI', 'Insufficient Funds', 'Counterparty Late', 'Cut-off Missed', 'Sanctions Screening', 'Unmatched Instruction'] as const;
export const NETTING_STATUSES = ['Pending', 'Agreed', 'Mismatch'] as const;
export const EXCEPTION_TYPES = ['Confirmation Break', 'Settlement Fail', 'Netting Mismatch', 'Reconciliation Break', 'Missing SSI', 'Collateral Dispute', 'Trade Capture Error'] as const;
export const SEVERITIES = ['Low', 'Medium', 'High', 'Critical'] as const;
export const EXCEPTION_STATUSES = ['Open', 'In Progress', 'Escalated', 'Resolved'] as const;
export const OWNER_TEAMS = ['Rates Ops', 'Credit Ops', 'FX Ops', 'Equity Ops', 'Collateral Ops', 'Settlements'] as const;
export const MARGIN_DIRECTIONS = ['Issued', 'Received'] as const;
export const MARGIN_TYPES = ['VM', 'IM'] as const;
export const MARGIN_STATUSES = ['Pending', 'Agreed', 'Disputed', 'Settled'] as const;
export const DISPUTE_REASONS = ['Valuation Difference', 'Portfolio Mismatch', 'Threshold/MTA', 'Late Call', 'Collateral Eligibility'] as const;

/** Every closed list, by table and column: what the tests check each distinct value against. */
export const CLOSED_LISTS: Record<string, Record<string, readonly (string | number)[]>> = {
  counterparties: { sector: SECTORS, country: COUNTRIES, credit_rating: RATINGS, is_active: [0, 1] },
  books: { desk: DESKS, asset_class: ASSET_CLASSES, region: REGIONS, legal_entity: LEGAL_ENTITIES },
  trades: {
    asset_class: ASSET_CLASSES, product_type: PRODUCT_TYPES, direction: TRADE_DIRECTIONS, currency: CURRENCIES,
    execution_venue: VENUES, is_cleared: [0, 1], ccp: CCPS, status: TRADE_STATUSES, source_system: SOURCE_SYSTEMS,
  },
  confirmations: { platform: CONFIRM_PLATFORMS, status: CONFIRM_STATUSES, break_reason: BREAK_REASONS },
  settlements: {
    cashflow_type: CASHFLOW_TYPES, currency: CURRENCIES, direction: SETTLEMENT_DIRECTIONS, method: SETTLEMENT_METHODS,
    status: SETTLEMENT_STATUSES, fail_reason: FAIL_REASONS,
  },
  payment_netting: { currency: CURRENCIES, status: NETTING_STATUSES },
  exceptions: { exception_type: EXCEPTION_TYPES, severity: SEVERITIES, status: EXCEPTION_STATUSES, owner_team: OWNER_TEAMS },
  margin_calls: { direction: MARGIN_DIRECTIONS, margin_type: MARGIN_TYPES, currency: CURRENCIES, status: MARGIN_STATUSES, dispute_reason: DISPUTE_REASONS },
};

/** Fixed conversion rates to US dollars (one unit of the currency in USD). */
export const USD_PER_UNIT: Record<string, number> = {
  USD: 1, EUR: 1.08, GBP: 1.27, JPY: 0.0067, CHF: 1.13, AUD: 0.66, CAD: 0.73, SGD: 0.75,
};

/** Invented first words of firm names. */
export const NAME_STEMS = [
  'Northbridge', 'Ashcombe', 'Bellwether', 'Calderon', 'Dunmore', 'Eastgate', 'Fairhaven', 'Glenrock', 'Harrowgate', 'Ironwood',
  'Juniper', 'Kestrel', 'Larkspur', 'Meridian', 'Norwell', 'Oakhurst', 'Pinecrest', 'Quayside', 'Redcliffe', 'Silverton',
  'Thornbury', 'Upland', 'Vantage', 'Westmark', 'Yarrow', 'Zephyr', 'Alderney', 'Blackmoor', 'Coldstream', 'Drummond',
  'Elmstead', 'Foxley', 'Granite Peak', 'Highmoor', 'Islington Square', 'Kingsway', 'Lindqvist', 'Marlowe', 'Newhaven', 'Orchard Lane',
  'Pemberton', 'Riverside', 'Stonebridge', 'Tidewater', 'Vauxford', 'Wexford Hill', 'Amberley', 'Brightwater', 'Cresswell', 'Delacroix',
  'Everly', 'Falconridge', 'Greyfriars', 'Hollis', 'Inverness', 'Kirkwood', 'Lochmere', 'Montclair', 'Nordhavn', 'Osterfeld',
  'Portland Row', 'Rosenau', 'Saltmarsh', 'Trevanion', 'Ulverston', 'Valmont', 'Whitcombe', 'Aurelian', 'Bramwell', 'Castellan',
  'Dovecote', 'Edgewater', 'Fernhill', 'Goldcrest', 'Hawthorne', 'Ivybridge', 'Kinloch', 'Lakemont', 'Moorgate', 'Nettlefold',
  'Old Quay', 'Pellucid', 'Rainford', 'Sandpiper', 'Tamarind', 'Uxbridge Park', 'Verdant', 'Windermere', 'Albion Crest', 'Beaumaris',
  'Chalcedony', 'Deepwater', 'Elmwood', 'Fennimore', 'Galloway', 'Halcyon', 'Ingleby', 'Jasper Cove', 'Kittering', 'Longacre',
  'Mistral', 'Northfleet', 'Oxbow', 'Penrose', 'Quintrell', 'Rowan Tree', 'Seabrook', 'Torrington', 'Umber', 'Vellacott',
  'Wrenfield', 'Yellowpine', 'Azurite', 'Beckford', 'Cinnabar', 'Dorrington', 'Emberly', 'Foxhollow', 'Gainsford', 'Heronsgate',
  'Isenberg', 'Kronstadt', 'Lindenhof', 'Matterhorn', 'Nakamura', 'Oranjeburg', 'Pacifica', 'Rheinfeld', 'Sakuragi', 'Tasman',
  'Unterberg', 'Vanderhoek', 'Waldstein', 'Hoshino', 'Montreux', 'Lauriston', 'Carrick', 'Dalhousie', 'Eskdale', 'Fortrose',
] as const;

/** Sector words: [short-name core, legal-name core]. */
export const SECTOR_CORES: Record<string, ReadonlyArray<readonly [string, string]>> = {
  Bank: [['Bank', 'Bank'], ['Banking', 'Banking Corporation'], ['Savings Bank', 'Savings Bank'], ['Merchant Bank', 'Merchant Bank'], ['Trust', 'Trust Company']],
  'Hedge Fund': [['Capital', 'Capital Partners'], ['Capital', 'Capital Management'], ['Partners', 'Investment Partners'], ['Macro', 'Macro Fund'], ['Alpha', 'Alpha Strategies']],
  'Asset Manager': [['Asset Management', 'Asset Management'], ['Investors', 'Global Investors'], ['Investments', 'Investment Management'], ['Advisors', 'Advisors']],
  Insurance: [['Insurance', 'Insurance Group'], ['Assurance', 'Assurance Company'], ['Life', 'Life & Pensions'], ['Re', 'Reinsurance']],
  'Pension Fund': [['Pension Fund', 'Pension Fund'], ['Retirement', 'Retirement System'], ['Pensions', 'Pension Scheme'], ['Superannuation', 'Superannuation Fund']],
  Corporate: [['Industries', 'Industries'], ['Energy', 'Energy'], ['Holdings', 'Holdings'], ['Logistics', 'Logistics'], ['Motors', 'Motor Company'], ['Utilities', 'Utilities']],
  Sovereign: [['Treasury', 'National Treasury'], ['Monetary Authority', 'Monetary Authority'], ['Investment Authority', 'Investment Authority'], ['Development Bank', 'Development Bank']],
};

/** Legal-form suffixes by country. */
export const LEGAL_SUFFIXES: Record<string, readonly string[]> = {
  US: ['Inc', 'LLC', 'LP', 'Corp'], GB: ['plc', 'Ltd', 'LLP'], DE: ['AG', 'GmbH'], FR: ['SA', 'SAS'], CH: ['AG', 'SA'],
  NL: ['N.V.', 'B.V.'], JP: ['K.K.', 'Co., Ltd.'], SG: ['Pte Ltd', 'Ltd'], CA: ['Inc', 'Ltd'], AU: ['Pty Ltd', 'Limited'],
  IE: ['DAC', 'plc', 'ICAV'], LU: ['S.A.', 'S.à r.l.', 'SICAV'],
};

const TRADER_FIRST = 'ABCDEFGHJKLMNPRSTVW';
const TRADER_LAST = [
  'Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Brennan', 'Castillo', 'Haddad', 'Kowalski', 'Nguyen', 'Fischer',
  'Rossi', 'Albrecht', 'Sato', 'Oyelaran', 'Petrov', 'Delgado', 'Chaudhry', 'MacLeod', 'Varga', 'Osei',
  'Hartmann', 'Yamada', 'Dubois', 'Ferreira', 'Kaur', 'Novak', 'Lindgren', 'Abara', 'Whitfield', 'Ito',
  'Marchetti', 'Olsen', 'Reyes', 'Schulz', 'Takahashi', 'Barros', 'Quigley', 'Mensah', 'Hughes', 'Zhou',
];

/** About forty traders, 'F. Lastname'. */
export const TRADERS: readonly string[] = TRADER_LAST.map((l, i) => `${TRADER_FIRST[(i * 7) % TRADER_FIRST.length]}. ${l}`);

/** Operations analysts by owner team (confirmations are assigned to these people). */
export const ANALYSTS: Record<string, readonly string[]> = {
  'Rates Ops': ['Hannah Whitlock', 'Rahul Mehta', 'Sofia Lindberg', 'Tomasz Nowak', 'Grace Adeyemi', 'Kenji Mori'],
  'Credit Ops': ['Liam Gallagher-Price', 'Amara Nwosu', 'Chloe Martin', 'Viktor Hale'],
  'FX Ops': ['Mei Lin Tan', 'Daniel Kruger', 'Fatima Rahman', 'Oscar Bergstrom', 'Isabel Costa'],
  'Equity Ops': ['Noah Fischer', 'Priyanka Iyer', 'Lucas Moreau', 'Aiko Shimizu'],
};
