-- Trade journal: tags and a note per trade (the key names the source and the trade: backtest job, date and PERMNO, or
-- account and fill sequence). The journal grain is the one writer; every change is audited. The same table exists in
-- the embedded SQLite store (JournalNotes creates it there); keep the two in step.
CREATE TABLE journal_notes
(
    trade_key     text   NOT NULL PRIMARY KEY,
    source        text   NOT NULL,
    tags          text   NOT NULL,
    note          text   NOT NULL,
    updated_by    text   NOT NULL,
    updated_at_ms bigint NOT NULL
);

CREATE INDEX ix_journal_notes_source ON journal_notes (source);
