package main

import (
	"github.com/jmoiron/sqlx"

	"supportal/adapters/argon2id"
	"supportal/adapters/postgres"
	"supportal/adapters/totp"
	"supportal/domain/identity"
)

// identityDeps returns the identity service's ports over PostgreSQL: the
// stores, the runner of its units of work (whose outbox and audit log share
// the transaction), argon2id and TOTP, keyed with secret.
func identityDeps(db *sqlx.DB, secret string) identity.Deps {
	store := postgres.NewIdentityStore(db)
	return identity.Deps{
		Tx: postgres.NewIdentityTx(db), Accounts: store, Companies: store, Codes: store, Sessions: store,
		Attempts: store, Drafts: store, Tokens: store, SecondFactors: store,
		Hasher: argon2id.New(argon2id.Default, 0), OTP: totp.OTP{}, Secret: []byte(secret),
	}
}
