package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/verification"
)

// VerificationStore keeps the verification module's submissions, history
// and queue claims in memory, with the behaviour of the
// PostgreSQL store. It is safe for concurrent use and never hands out
// pointers into its own state.
type VerificationStore struct {
	mu      sync.Mutex
	lastID  int64
	subs    []verification.Submission // by id
	history []companyEntry            // oldest first
	names   map[int64]string          // account names, for ClaimedByName
}

// companyEntry is a history entry with the company it belongs to.
type companyEntry struct {
	companyID int64
	verification.Entry
}

var (
	_ verification.Submissions = (*VerificationStore)(nil)
	_ verification.Queue       = (*VerificationStore)(nil)
	_ attachment.Index         = (*VerificationStore)(nil)
)

// NewVerificationStore returns an empty store.
func NewVerificationStore() *VerificationStore {
	return &VerificationStore{names: make(map[int64]string)}
}

// The errors the store returns, as the PostgreSQL store does.
var (
	errSubmissionNotFound = domain.E(domain.NotFound, "error.verification.not_found")
	errQueueEmpty         = domain.E(domain.NotFound, "error.verification.queue_empty")
	errPendingExists      = domain.E(domain.Conflict, "error.verification.pending_exists")
	errCodeTaken          = domain.E(domain.Conflict, "error.verification.code_taken")
)

// SetAccountName records the name of an account, which ListSubmissions shows
// as ClaimedByName as the PostgreSQL store joins accounts.
func (s *VerificationStore) SetAccountName(id int64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[id] = name
}

// stored returns sub as the PostgreSQL store gives it back: times in UTC to
// the microsecond.
func stored(sub verification.Submission) verification.Submission {
	sub.SubmittedAt, sub.UpdatedAt = dbTime(sub.SubmittedAt), dbTime(sub.UpdatedAt)
	sub.ClaimedUntil, sub.DecidedAt = dbTime(sub.ClaimedUntil), dbTime(sub.DecidedAt)
	return sub
}

// find returns the index of the submission id, or -1.
func (s *VerificationStore) find(id int64) int {
	i, ok := slices.BinarySearchFunc(s.subs, id, func(x verification.Submission, id int64) int { return cmp.Compare(x.ID, id) })
	if !ok {
		return -1
	}
	return i
}

// pendingElsewhere reports whether the company has a pending submission other
// than except, which the PostgreSQL store's unique index forbids.
func (s *VerificationStore) pendingElsewhere(companyID, except int64) bool {
	return slices.ContainsFunc(s.subs, func(x verification.Submission) bool {
		return x.CompanyID == companyID && x.ID != except && x.State == verification.StatePending
	})
}

// codeHolder returns the index of the verified submission of another company
// than companyID with the credit code, or -1: the PostgreSQL store's unique
// index allows one verified submission per code.
func (s *VerificationStore) codeHolder(code string, companyID int64) int {
	return slices.IndexFunc(s.subs, func(x verification.Submission) bool {
		return x.State == verification.StateVerified && x.Fields.CreditCode == code && x.CompanyID != companyID
	})
}

func (s *VerificationStore) appendEntry(companyID, id int64, e verification.Entry) {
	e.SubmissionID, e.At = id, dbTime(e.At)
	s.history = append(s.history, companyEntry{companyID: companyID, Entry: e})
}

// CreateSubmission stores a new submission and its first history entry and
// fills sub.ID; the entry is stored under that id. A second pending
// submission of the same company returns Conflict
// (error.verification.pending_exists) and stores nothing.
func (s *VerificationStore) CreateSubmission(_ context.Context, sub *verification.Submission, e verification.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub.State == verification.StatePending && s.pendingElsewhere(sub.CompanyID, 0) {
		return errPendingExists
	}
	if sub.State == verification.StateVerified && s.codeHolder(sub.Fields.CreditCode, sub.CompanyID) >= 0 {
		return errCodeTaken
	}
	s.lastID++
	x := stored(*sub)
	x.ID = s.lastID
	s.subs = append(s.subs, x)
	s.appendEntry(x.CompanyID, x.ID, e)
	sub.ID = x.ID
	return nil
}

// LatestSubmission returns the company's newest submission. It returns
// NotFound (error.verification.not_found) when the company submitted nothing.
func (s *VerificationStore) LatestSubmission(_ context.Context, companyID int64) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.subs) - 1; i >= 0; i-- {
		if s.subs[i].CompanyID == companyID {
			return s.subs[i], nil
		}
	}
	return verification.Submission{}, errSubmissionNotFound
}

// SubmissionByID returns the submission with the given id. It returns
// NotFound (error.verification.not_found).
func (s *VerificationStore) SubmissionByID(_ context.Context, id int64) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return verification.Submission{}, errSubmissionNotFound
	}
	return s.subs[i], nil
}

// VerifiedSubmission returns the company's verified submission. It returns
// NotFound (error.verification.not_found) when the company is not verified.
func (s *VerificationStore) VerifiedSubmission(_ context.Context, companyID int64) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.subs {
		if x.CompanyID == companyID && x.State == verification.StateVerified {
			return x, nil
		}
	}
	return verification.Submission{}, errSubmissionNotFound
}

// UpdateSubmission calls fn with a copy of the submission while the store is
// locked, so fn must not use the store. When fn returns nil, the copy is
// stored (its ID and CompanyID stay as they were) and the returned entries
// are appended under id; the stored submission is returned. When fn fails,
// nothing changes and the submission as it was is returned with fn's error.
// An unknown id returns NotFound (error.verification.not_found) without
// calling fn. A submission that becomes verified supersedes the company's
// other verified submission (its UpdatedAt set to the new one's); one whose
// credit code another company holds verified returns Conflict
// (error.verification.code_taken) and changes nothing.
func (s *VerificationStore) UpdateSubmission(_ context.Context, id int64,
	fn func(*verification.Submission) ([]verification.Entry, error),
) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return verification.Submission{}, errSubmissionNotFound
	}
	old := s.subs[i]
	x := old
	entries, err := fn(&x)
	if err != nil {
		return old, err
	}
	x.ID, x.CompanyID = old.ID, old.CompanyID
	if x.State == verification.StatePending && s.pendingElsewhere(x.CompanyID, x.ID) {
		return old, errPendingExists
	}
	if x.State == verification.StateVerified {
		if s.codeHolder(x.Fields.CreditCode, x.CompanyID) >= 0 {
			return old, errCodeTaken
		}
		for j := range s.subs {
			if j != i && s.subs[j].CompanyID == x.CompanyID && s.subs[j].State == verification.StateVerified {
				s.subs[j].State, s.subs[j].UpdatedAt = verification.StateSuperseded, dbTime(x.UpdatedAt)
			}
		}
	}
	s.subs[i] = stored(x)
	for _, e := range entries {
		s.appendEntry(x.CompanyID, id, e)
	}
	return s.subs[i], nil
}

// History returns every entry of the company's submissions, oldest first.
func (s *VerificationStore) History(_ context.Context, companyID int64) ([]verification.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []verification.Entry
	for _, e := range s.history {
		if e.companyID == companyID {
			entry := e.Entry
			entry.ActorName = s.names[entry.ActorID] // as PostgreSQL joins accounts
			out = append(out, entry)
		}
	}
	return out, nil
}

// ListSubmissions returns a page of the queue like the PostgreSQL store:
// filtered by state and by a case-insensitive name fragment or the whole
// credit code, pending first, then oldest first, with the total count.
// ClaimedByName is the name given to SetAccountName while the claim runs.
func (s *VerificationStore) ListSubmissions(_ context.Context, q verification.Query) ([]verification.QueueItem, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	search := strings.ToLower(q.Search)
	var matched []verification.QueueItem
	for _, x := range s.subs {
		if q.State != "" && x.State != q.State {
			continue
		}
		if q.Search != "" && !strings.Contains(strings.ToLower(x.Fields.CompanyName), search) &&
			x.Fields.CreditCode != strings.ToUpper(q.Search) {
			continue
		}
		item := verification.QueueItem{Submission: x}
		if x.ClaimedBy != 0 && x.ClaimedUntil.After(now) {
			item.ClaimedByName = s.names[x.ClaimedBy]
		}
		matched = append(matched, item)
	}
	slices.SortFunc(matched, func(a, b verification.QueueItem) int {
		ap, bp := a.State != verification.StatePending, b.State != verification.StatePending
		switch {
		case ap != bp && !ap:
			return -1
		case ap != bp:
			return 1
		}
		return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), cmp.Compare(a.ID, b.ID))
	})
	total := len(matched)
	page := matched[min(max(q.Offset, 0), total):]
	if q.Limit > 0 && len(page) > q.Limit {
		page = page[:q.Limit]
	}
	if len(page) == 0 {
		return nil, total, nil
	}
	return slices.Clone(page), total, nil
}

// ClaimNext returns the reviewer's own running claim first, else claims the oldest pending submission that nobody holds at now
// for reviewer until now+ClaimTTL and returns it. It returns NotFound
// (error.verification.queue_empty) when none is free.
func (s *VerificationStore) ClaimNext(_ context.Context, reviewer int64, now time.Time) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best := -1
	for i, x := range s.subs {
		if x.State != verification.StatePending {
			continue
		}
		if x.ClaimedBy == reviewer && x.ClaimedUntil.After(now) {
			best = i // the reviewer's own running claim comes first
			break
		}
		if x.ClaimedBy != 0 && x.ClaimedUntil.After(now) {
			continue
		}
		if best < 0 || x.SubmittedAt.Before(s.subs[best].SubmittedAt) {
			best = i
		}
	}
	if best < 0 {
		return verification.Submission{}, errQueueEmpty
	}
	s.subs[best].ClaimedBy, s.subs[best].ClaimedUntil = reviewer, dbTime(now.Add(verification.ClaimTTL))
	return s.subs[best], nil
}

// CodeHolder returns the verified submission of a company other than
// companyID whose credit code is code. It returns NotFound
// (error.verification.not_found) when no other company holds the code.
func (s *VerificationStore) CodeHolder(_ context.Context, code string, companyID int64) (verification.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.codeHolder(code, companyID); i >= 0 {
		return s.subs[i], nil
	}
	return verification.Submission{}, errSubmissionNotFound
}

// UnnamedKeys returns those of keys that no submission or history entry
// names: the memory store's attachment rows are the licences its committed
// submissions and entries name.
func (s *VerificationStore) UnnamedKeys(_ context.Context, keys []string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, key := range keys {
		if !slices.ContainsFunc(s.subs, func(x verification.Submission) bool { return x.Licence.Key == key }) &&
			!slices.ContainsFunc(s.history, func(e companyEntry) bool { return e.LicenceKey == key }) {
			out = append(out, key)
		}
	}
	return out, nil
}

// ForgetDeleted does nothing: no licence is ever marked deleted.
func (s *VerificationStore) ForgetDeleted(context.Context, []string) error { return nil }
