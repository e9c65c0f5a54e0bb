/**
 * The demo database contract: the text of the shared OTC operations schema (otc_ops.sql),
 * verbatim, split into the table definitions (run before loading) and the secondary indexes
 * (created after loading, which is much faster). The same text runs on SQLite and PostgreSQL.
 */

export const OPS_SCHEMA_TABLES_SQL = `-- OTC operations reference schema (the demo database contract).
--
-- Eight tables that an OTC-derivatives operations team queries every day:
-- who we trade with, where trades are booked, the trades themselves, their
-- confirmations, the cash flows that must settle, payment netting, the
-- exceptions queue, and collateral (margin) calls.
--
-- Portable column types: this text runs as-is on SQLite. The same tables,
-- names and meanings must exist on PostgreSQL and Microsoft SQL Server
-- (VARCHAR -> NVARCHAR/VARCHAR, DATE -> DATE, TIMESTAMP -> DATETIME2 on
-- SQL Server, SMALLINT flags stay SMALLINT). Dates are ISO 'YYYY-MM-DD'.
-- Money columns ending in _usd are converted to US dollars; the others are
-- in the row's own currency.
--
-- Value lists below are closed: a generator must use exactly these spellings.

CREATE TABLE counterparties (
  counterparty_id  INTEGER PRIMARY KEY,
  lei              VARCHAR(20)  NOT NULL UNIQUE,   -- Legal Entity Identifier, 20 chars
  legal_name       VARCHAR(200) NOT NULL,          -- e.g. 'Northbridge Capital Partners LLP'
  short_name       VARCHAR(60)  NOT NULL UNIQUE,   -- e.g. 'Northbridge Capital'
  sector           VARCHAR(30)  NOT NULL,          -- Bank | Hedge Fund | Asset Manager | Insurance | Pension Fund | Corporate | Sovereign
  country          CHAR(2)      NOT NULL,          -- ISO 3166 alpha-2: US GB DE FR CH NL JP SG CA AU IE LU
  credit_rating    VARCHAR(4)   NOT NULL,          -- AAA | AA | A | BBB | BB | B
  is_active        SMALLINT     NOT NULL,          -- 1 active, 0 off-boarded
  onboarded_date   DATE         NOT NULL
);

CREATE TABLE books (
  book_id          INTEGER PRIMARY KEY,
  book_code        VARCHAR(20)  NOT NULL UNIQUE,   -- e.g. 'RATES-LDN-01'
  desk             VARCHAR(40)  NOT NULL,          -- G10 Rates | EM Rates | Credit Trading | FX Forwards | FX Options | Equity Derivatives | Commodities
  asset_class      VARCHAR(20)  NOT NULL,          -- Rates | Credit | FX | Equity | Commodity
  region           VARCHAR(4)   NOT NULL,          -- EMEA | AMER | APAC
  legal_entity     VARCHAR(40)  NOT NULL           -- Bank PLC | Bank Inc | Bank AG | Bank Japan KK
);

CREATE TABLE trades (
  trade_id         INTEGER PRIMARY KEY,
  trade_ref        VARCHAR(30)  NOT NULL UNIQUE,   -- e.g. 'OTC-2026-0012345'
  counterparty_id  INTEGER      NOT NULL REFERENCES counterparties(counterparty_id),
  book_id          INTEGER      NOT NULL REFERENCES books(book_id),
  asset_class      VARCHAR(20)  NOT NULL,          -- same value as the book's asset_class
  product_type     VARCHAR(30)  NOT NULL,          -- Rates: Interest Rate Swap | OIS | Cross Currency Swap | FRA | Swaption | Cap/Floor
                                                   -- Credit: CDS Single Name | CDS Index
                                                   -- FX: FX Forward | FX Swap | FX Option | NDF
                                                   -- Equity: Equity Swap | Equity Option
                                                   -- Commodity: Commodity Swap | Commodity Option
  trade_date       DATE         NOT NULL,
  effective_date   DATE         NOT NULL,
  maturity_date    DATE         NOT NULL,
  direction        VARCHAR(10)  NOT NULL,          -- Pay | Receive (swaps, FRA, CDS: protection Pay = buy) | Buy | Sell (options, FX)
  notional         DECIMAL(20,2) NOT NULL,         -- in currency
  currency         CHAR(3)      NOT NULL,          -- USD EUR GBP JPY CHF AUD CAD SGD
  notional_usd     DECIMAL(20,2) NOT NULL,
  fixed_rate       DECIMAL(9,6),                   -- percent, NULL where the product has none
  trader           VARCHAR(60)  NOT NULL,
  execution_venue  VARCHAR(20)  NOT NULL,          -- Voice | SEF | MTF | Electronic
  is_cleared       SMALLINT     NOT NULL,          -- 1 cleared through a CCP, 0 bilateral
  ccp              VARCHAR(10),                    -- LCH | CME | Eurex | JSCC; NULL when bilateral
  status           VARCHAR(20)  NOT NULL,          -- Live | Matured | Terminated | Cancelled | Novated
  source_system    VARCHAR(20)  NOT NULL,          -- Murex | Calypso | Summit
  created_at       TIMESTAMP    NOT NULL
);

CREATE TABLE confirmations (
  confirmation_id  INTEGER PRIMARY KEY,
  trade_id         INTEGER      NOT NULL REFERENCES trades(trade_id),
  platform         VARCHAR(20)  NOT NULL,          -- DTCC | MarkitWire | SWIFT | Paper
  status           VARCHAR(20)  NOT NULL,          -- Pending | Unmatched | Disputed | Matched | Cancelled
  sent_date        DATE         NOT NULL,
  matched_date     DATE,                           -- set only when status = Matched
  chaser_count     INTEGER      NOT NULL,          -- reminders sent to the counterparty
  break_reason     VARCHAR(40),                    -- Economic Mismatch | Notional Mismatch | Rate Mismatch | Date Mismatch | Missing Trade | Legal Terms; NULL unless Unmatched or Disputed
  assigned_to      VARCHAR(60)  NOT NULL           -- operations analyst
);

CREATE TABLE settlements (
  settlement_id    INTEGER PRIMARY KEY,
  trade_id         INTEGER      NOT NULL REFERENCES trades(trade_id),
  counterparty_id  INTEGER      NOT NULL REFERENCES counterparties(counterparty_id),
  cashflow_type    VARCHAR(20)  NOT NULL,          -- Coupon | Premium | Fee | Principal | Upfront | Final Exchange
  value_date       DATE         NOT NULL,
  currency         CHAR(3)      NOT NULL,
  amount           DECIMAL(20,2) NOT NULL,         -- positive, in currency
  amount_usd       DECIMAL(20,2) NOT NULL,
  direction        VARCHAR(10)  NOT NULL,          -- Pay | Receive (from the bank's side)
  method           VARCHAR(10)  NOT NULL,          -- SWIFT | CLS | CCP | Netted
  status           VARCHAR(20)  NOT NULL,          -- Pending | Settled | Failed | Cancelled
  settled_date     DATE,                           -- set only when status = Settled
  fail_reason      VARCHAR(40)                     -- Missing SSI | Incorrect SSI | Insufficient Funds | Counterparty Late | Cut-off Missed | Sanctions Screening | Unmatched Instruction; NULL unless Failed
);

CREATE TABLE payment_netting (
  netting_id       INTEGER PRIMARY KEY,
  counterparty_id  INTEGER      NOT NULL REFERENCES counterparties(counterparty_id),
  currency         CHAR(3)      NOT NULL,
  value_date       DATE         NOT NULL,
  payments_count   INTEGER      NOT NULL,          -- settlements netted together
  gross_pay        DECIMAL(20,2) NOT NULL,
  gross_receive    DECIMAL(20,2) NOT NULL,
  net_amount       DECIMAL(20,2) NOT NULL,         -- gross_receive - gross_pay, our calculation
  counterparty_net_amount DECIMAL(20,2),           -- the counterparty's figure, from our side; NULL until received
  break_amount     DECIMAL(20,2) NOT NULL,         -- ABS(net_amount - counterparty_net_amount), 0 when agreed or not received
  status           VARCHAR(20)  NOT NULL           -- Pending | Agreed | Mismatch
);

CREATE TABLE exceptions (
  exception_id     INTEGER PRIMARY KEY,
  trade_id         INTEGER      REFERENCES trades(trade_id),  -- NULL for counterparty-level exceptions
  counterparty_id  INTEGER      NOT NULL REFERENCES counterparties(counterparty_id),
  exception_type   VARCHAR(30)  NOT NULL,          -- Confirmation Break | Settlement Fail | Netting Mismatch | Reconciliation Break | Missing SSI | Collateral Dispute | Trade Capture Error
  severity         VARCHAR(10)  NOT NULL,          -- Low | Medium | High | Critical
  status           VARCHAR(20)  NOT NULL,          -- Open | In Progress | Escalated | Resolved
  owner_team       VARCHAR(30)  NOT NULL,          -- Rates Ops | Credit Ops | FX Ops | Equity Ops | Collateral Ops | Settlements
  raised_date      DATE         NOT NULL,
  resolved_date    DATE,                           -- set only when status = Resolved
  amount_usd       DECIMAL(20,2),                  -- money at stake, NULL when not applicable
  description      VARCHAR(400) NOT NULL
);

CREATE TABLE margin_calls (
  margin_call_id   INTEGER PRIMARY KEY,
  counterparty_id  INTEGER      NOT NULL REFERENCES counterparties(counterparty_id),
  call_date        DATE         NOT NULL,
  direction        VARCHAR(10)  NOT NULL,          -- Issued (we call them) | Received (they call us)
  margin_type      VARCHAR(4)   NOT NULL,          -- VM | IM
  currency         CHAR(3)      NOT NULL,
  call_amount_usd  DECIMAL(20,2) NOT NULL,
  agreed_amount_usd DECIMAL(20,2),                 -- NULL while Pending
  status           VARCHAR(20)  NOT NULL,          -- Pending | Agreed | Disputed | Settled
  dispute_reason   VARCHAR(40),                    -- Valuation Difference | Portfolio Mismatch | Threshold/MTA | Late Call | Collateral Eligibility; NULL unless Disputed
  settled_date     DATE                            -- set only when status = Settled
);
`;

export const OPS_SCHEMA_INDEXES_SQL: readonly string[] = [
  'CREATE INDEX ix_trades_cpty ON trades(counterparty_id);',
  'CREATE INDEX ix_trades_book ON trades(book_id);',
  'CREATE INDEX ix_trades_date ON trades(trade_date);',
  'CREATE INDEX ix_conf_trade ON confirmations(trade_id);',
  'CREATE INDEX ix_conf_status ON confirmations(status);',
  'CREATE INDEX ix_sett_trade ON settlements(trade_id);',
  'CREATE INDEX ix_sett_value ON settlements(value_date);',
  'CREATE INDEX ix_sett_status ON settlements(status);',
  'CREATE INDEX ix_exc_status ON exceptions(status);',
  'CREATE INDEX ix_mc_cpty ON margin_calls(counterparty_id);',
];

/** The tables in load order (parents first), with their columns in schema order. */
export const OPS_TABLES = {
  counterparties: ['counterparty_id', 'lei', 'legal_name', 'short_name', 'sector', 'country', 'credit_rating', 'is_active', 'onboarded_date'],
  books: ['book_id', 'book_code', 'desk', 'asset_class', 'region', 'legal_entity'],
  trades: ['trade_id', 'trade_ref', 'counterparty_id', 'book_id', 'asset_class', 'product_type', 'trade_date', 'effective_date', 'maturity_date', 'direction', 'notional', 'currency', 'notional_usd', 'fixed_rate', 'trader', 'execution_venue', 'is_cleared', 'ccp', 'status', 'source_system', 'created_at'],
  confirmations: ['confirmation_id', 'trade_id', 'platform', 'status', 'sent_date', 'matched_date', 'chaser_count', 'break_reason', 'assigned_to'],
  settlements: ['settlement_id', 'trade_id', 'counterparty_id', 'cashflow_type', 'value_date', 'currency', 'amount', 'amount_usd', 'direction', 'method', 'status', 'settled_date', 'fail_reason'],
  payment_netting: ['netting_id', 'counterparty_id', 'currency', 'value_date', 'payments_count', 'gross_pay', 'gross_receive', 'net_amount', 'counterparty_net_amount', 'break_amount', 'status'],
  exceptions: ['exception_id', 'trade_id', 'counterparty_id', 'exception_type', 'severity', 'status', 'owner_team', 'raised_date', 'resolved_date', 'amount_usd', 'description'],
  margin_calls: ['margin_call_id', 'counterparty_id', 'call_date', 'direction', 'margin_type', 'currency', 'call_amount_usd', 'agreed_amount_usd', 'status', 'dispute_reason', 'settled_date'],
} as const;

export type OpsTable = keyof typeof OPS_TABLES;
export const OPS_TABLE_NAMES = Object.keys(OPS_TABLES) as OpsTable[];
