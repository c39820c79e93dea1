package main

import (
	"context"
	"fmt"
	"time"

	"supportal/adapters/argon2id"
	"supportal/adapters/postgres"
	"supportal/adapters/totp"
	"supportal/domain"
	"supportal/domain/identity"
	"supportal/domain/verification"
)

// benchEmail and benchPassword are the customer that all creates and signs in.
const (
	benchEmail    = "bench@example.com"
	benchPassword = "Harbor-Lantern-Pressure-2026"
)

// createVerifiedCustomer creates a customer of the company (code, name)
// through the identity service and records a verified submission for it
// straight in the verification store, as if a reviewer had approved it. A
// customer that exists already is reused.
func createVerifiedCustomer(ctx context.Context, dbURL, code, name string) error {
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	store := postgres.NewIdentityStore(db)
	svc := identity.NewService(identity.Deps{Tx: postgres.NewIdentityTx(db), Accounts: store, Companies: store, Codes: store,
		Sessions: store, Attempts: store, Drafts: store, SecondFactors: store, Hasher: argon2id.New(argon2id.Default, 0),
		OTP: totp.OTP{}, Secret: []byte("bench")})
	info := identity.AccountInfo{Country: "CN", Name: "压测客户", JobTitle: "it_lead", Email: benchEmail, Mobile: "13800138000"}
	co := identity.Company{Name: name, Industry: "it", Size: "1000+", Address: "上海市杨浦区压测路 1 号"}
	a, err := svc.CreateCustomer(ctx, info, co, benchPassword)
	if domain.KindOf(err) == domain.Conflict {
		if a, err = store.AccountByEmail(ctx, benchEmail); err == nil {
			return nil // created by an earlier run
		}
	}
	if err != nil {
		return fmt.Errorf("customer: %w", err)
	}
	now := time.Now().UTC()
	fields := verification.Fields{CompanyName: name, DocType: "business_licence", CreditCode: code}
	sub := verification.Submission{CompanyID: a.CompanyID, AccountID: a.ID, Region: "CN", Fields: fields,
		Licence: verification.Licence{Key: "bench/none", Name: "营业执照.png", ContentType: "image/png", Size: 1},
		State:   verification.StateVerified, Version: 1, SubmittedAt: now, UpdatedAt: now, DecidedAt: now}
	entry := verification.Entry{Version: 1, At: now, ActorID: a.ID, Action: verification.ActionSubmitted,
		Fields: fields, LicenceKey: "bench/none"}
	if err := postgres.NewVerificationStore(db).CreateSubmission(ctx, &sub, entry); err != nil {
		return fmt.Errorf("customer: verified submission: %w", err)
	}
	return nil
}
