package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// inTx runs fn in one transaction of db, with the options opts (nil: the
// server's defaults). It commits when fn returns nil and rolls back
// otherwise, or when fn panics; it returns fn's error or Commit's.
func inTx(ctx context.Context, db *sqlx.DB, opts *sql.TxOptions, fn func(tx *sqlx.Tx) error) (err error) {
	tx, err := db.BeginTxx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("postgres: rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// withTx runs fn over db when db already is a transaction (a store built by
// a unit of work), and in a transaction of its own when db is the database,
// so that a store method that needs several statements to be atomic is so in
// both cases.
func withTx(ctx context.Context, db sqlx.ExtContext, fn func(tx sqlx.ExtContext) error) error {
	switch d := db.(type) {
	case *sqlx.Tx:
		return fn(d)
	case *sqlx.DB:
		return inTx(ctx, d, nil, func(tx *sqlx.Tx) error { return fn(tx) })
	default:
		return fmt.Errorf("postgres: %T is neither a database nor a transaction", db)
	}
}

// TxRunner runs a module's units of work: InTx builds the module's stores,
// of type S, over one transaction.
type TxRunner[S any] struct {
	db    *sqlx.DB
	build func(tx *sqlx.Tx) S
}

// NewTxRunner returns the runner over db whose stores build makes.
func NewTxRunner[S any](db *sqlx.DB, build func(tx *sqlx.Tx) S) *TxRunner[S] {
	if db == nil || build == nil {
		panic("postgres: NewTxRunner needs a database and a store builder")
	}
	return &TxRunner[S]{db: db, build: build}
}

// InTx calls fn with the stores over one transaction, commits when fn
// returns nil and rolls back otherwise; it returns fn's error or Commit's.
func (r *TxRunner[S]) InTx(ctx context.Context, fn func(S) error) error {
	return inTx(ctx, r.db, nil, func(tx *sqlx.Tx) error { return fn(r.build(tx)) })
}
