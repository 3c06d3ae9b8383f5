global using AtlasBank.LedgerDr.Accounts;
global using AtlasBank.LedgerDr.Dr;
global using AtlasBank.LedgerDr.Ledger;
global using AtlasBank.LedgerDr.Transfers;
global using AtlasBank.LedgerDr.Shadow;
