package identity

import (
	"context"
	"fmt"

	"supportal/domain"
)

var errDraftGone = domain.E(domain.NotFound, "error.register.expired")

// Draft returns the registration in progress for a wizard token.
func (s *Service) Draft(ctx context.Context, token string) (Draft, error) {
	if token == "" {
		return Draft{}, errDraftGone
	}
	d, err := s.d.Drafts.DraftByHash(ctx, HashToken(token))
	if isNotFound(err) || (err == nil && !s.now().Before(d.ExpiresAt)) {
		return Draft{}, errDraftGone
	}
	return d, err
}

// RegisterAccount records step 1 (account info) of the wizard and emails the
// code for step 2 when the address has not had one yet. token is the wizard's
// token ("" to start); the returned token identifies the draft from now on.
func (s *Service) RegisterAccount(ctx context.Context, token string, in AccountInfo, c Client) (string, Draft, error) {
	in = in.Normalize()
	d, err := s.Draft(ctx, token)
	if err != nil {
		if !isNotFound(err) {
			return "", Draft{}, err
		}
		var hash []byte
		if token, hash, err = NewToken(); err != nil {
			return "", Draft{}, err
		}
		d = Draft{TokenHash: hash}
	}
	d.Info = in
	if err := in.Validate(); err != nil {
		return token, d, err
	}
	sendTo := ""
	if d.CodeSentTo != in.Email {
		if err := s.checkCodeThrottle(ctx, in.Email, PurposeRegister, c); err != nil {
			return token, d, err
		}
		sendTo = in.Email
		d.CodeSentTo, d.Verified, d.PasswordHash = in.Email, false, ""
	}
	d.ExpiresAt = s.now().Add(DraftTTL)
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if sendTo != "" {
			if err := s.sendCode(ctx, st, sendTo, PurposeRegister, c); err != nil {
				return err
			}
		}
		if err := st.Drafts.SaveDraft(ctx, d); err != nil {
			return fmt.Errorf("identity: save draft: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", Draft{}, err
	}
	return token, d, nil
}

// ResendRegisterCode emails a new code for the draft's address.
func (s *Service) ResendRegisterCode(ctx context.Context, token string, c Client) error {
	d, err := s.Draft(ctx, token)
	if err != nil {
		return err
	}
	return s.RequestCode(ctx, d.Info.Email, PurposeRegister, c)
}

// RegisterVerify is step 2: the emailed code and the password. A draft whose
// address was verified already only needs the password again when it is given.
func (s *Service) RegisterVerify(ctx context.Context, token, code, password, confirm string) (Draft, error) {
	d, err := s.Draft(ctx, token)
	if err != nil {
		return Draft{}, err
	}
	if d.Step() < 2 {
		return d, errDraftGone
	}
	if d.Step() == 3 && password == "" && code == "" {
		return d, nil
	}
	if err := CheckPassword(password, confirm, d.Info.Email); err != nil {
		return d, err
	}
	if d.Step() < 3 {
		if err := s.useCode(ctx, s.d.Codes, d.Info.Email, PurposeRegister, code); err != nil {
			return d, err
		}
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return d, fmt.Errorf("identity: hash: %w", err)
	}
	d.Verified, d.PasswordHash = true, h
	if err := s.d.Drafts.SaveDraft(ctx, d); err != nil {
		return d, fmt.Errorf("identity: save draft: %w", err)
	}
	return d, nil
}

// SaveDraftCompany keeps the step-3 fields without finishing, so that going
// back to an earlier step does not lose them.
func (s *Service) SaveDraftCompany(ctx context.Context, token string, co Company) error {
	d, err := s.Draft(ctx, token)
	if err != nil {
		return err
	}
	d.Company = co.Normalize()
	return s.d.Drafts.SaveDraft(ctx, d)
}

// RegisterCompany is step 3: in one unit of work it creates the company and
// the account, ends the wizard, audits the registration and signs the new
// customer in, returning the session token.
func (s *Service) RegisterCompany(ctx context.Context, token string, co Company, c Client) (string, Account, error) {
	d, err := s.Draft(ctx, token)
	if err != nil {
		return "", Account{}, err
	}
	if d.Step() < 3 {
		return "", Account{}, errDraftGone
	}
	co = co.Normalize()
	d.Company = co
	if err := co.Validate(); err != nil {
		if serr := s.d.Drafts.SaveDraft(ctx, d); serr != nil {
			return "", Account{}, fmt.Errorf("identity: save draft: %w", serr)
		}
		return "", Account{}, err
	}
	held, err := s.sessionHeld(ctx, c)
	if err != nil {
		return "", Account{}, err
	}
	defer held.forget(s)
	var (
		a    Account
		sess string
	)
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if a, err = s.createCustomer(ctx, st.Accounts, d.Info, co, d.PasswordHash, c.Lang); err != nil {
			return err
		}
		if err := st.Drafts.DeleteDraft(ctx, d.TokenHash); err != nil {
			return fmt.Errorf("identity: delete draft: %w", err)
		}
		if err := s.audit(ctx, st, "register", a.ID, a.Email, c, ""); err != nil {
			return err
		}
		sess, err = s.openSession(ctx, st, a.ID, c, held)
		return err
	})
	if err != nil {
		return "", Account{}, err
	}
	return sess, a, nil
}
