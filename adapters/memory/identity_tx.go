package memory

import (
	"maps"
	"slices"

	"supportal/domain/identity"
)

// NewIdentityTx returns the runner of the identity module's units of work
// over store, with its notices going to outbox and its events to audit.
func NewIdentityTx(store *IdentityStore, outbox *Outbox, audit *Audit) *TxRunner[identity.Stores] {
	if store == nil || outbox == nil || audit == nil {
		panic("memory: NewIdentityTx needs a store, an outbox and an audit log")
	}
	st := identity.Stores{Accounts: store, Companies: store, Codes: store, Sessions: store, Attempts: store,
		Drafts: store, SecondFactors: store, Tokens: store, Outbox: outbox, Audit: audit}
	return newTxRunner(st, store, outbox, audit)
}

var _ identity.TxRunner = (*TxRunner[identity.Stores])(nil)

// snapshot copies every table of the store. The id sequence is not put
// back, as PostgreSQL's sequences are not.
func (s *IdentityStore) snapshot() func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	accounts, companies := maps.Clone(s.accounts), maps.Clone(s.companies)
	codes := make([]identity.Code, len(s.codes))
	for i, c := range s.codes {
		codes[i] = copyCode(c)
	}
	sessions := make(map[string]identity.Session, len(s.sessions))
	for k, v := range s.sessions {
		sessions[k] = copySession(v)
	}
	attempts := slices.Clone(s.attempts)
	drafts := make(map[string]identity.Draft, len(s.drafts))
	for k, v := range s.drafts {
		drafts[k] = copyDraft(v)
	}
	tokens := make([]identity.ServiceToken, len(s.tokens))
	for i, t := range s.tokens {
		tokens[i] = copyToken(t)
	}
	factors := make(map[int64]identity.SecondFactor, len(s.factors))
	for k, v := range s.factors {
		factors[k] = copyFactor(v)
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.accounts, s.companies, s.codes, s.sessions = accounts, companies, codes, sessions
		s.attempts, s.drafts, s.tokens, s.factors = attempts, drafts, tokens, factors
	}
}
