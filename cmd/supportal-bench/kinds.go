package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/url"
	"sync"
	"time"
)

// The request kinds that probe what a customer may type.
const (
	// KindAdversarial draws one of the inputs that used to be unbounded:
	// a pair of common words, one common character, two digits, a
	// separator alone, the company's own name.
	KindAdversarial = "adversarial"
	// KindTyping sends the prefixes of a model number one after another,
	// typingGap apart on each worker, as search as you type does.
	KindTyping = "typing"
)

// typingGap is the pause between two prefixes of one worker's typing, the
// page's debounce.
const typingGap = 250 * time.Millisecond

// adversarial draws an adversarial name: a fifth of the draws each for
// the word pairs, a single character, two digits, a separator and the
// company's name.
func (w *worker) adversarial() url.Values {
	t := &w.o.Targets
	var name string
	switch w.rng.IntN(5) {
	case 0:
		name = []string{"AnyBackup 一体机", "AnyBackup 一", "一体机 A"}[w.rng.IntN(3)]
	case 1:
		name = []string{"一", "A", "R"}[w.rng.IntN(3)]
	case 2:
		name = fmt.Sprintf("%02d", w.rng.IntN(100))
	case 3:
		name = []string{"-", " ", "-R"}[w.rng.IntN(3)] // " " is trimmed: every device
	default:
		name = t.Name
	}
	return url.Values{"name": {name}}
}

// typingState is where a worker is in typing a model number.
type typingState struct {
	model string
	n     int       // runes typed so far
	next  time.Time // not before: the previous prefix plus typingGap
}

// typed waits until the worker's next keystroke is due and returns the
// prefix typed so far, starting a new model number after the whole one.
func (w *worker) typed(ctx context.Context) url.Values {
	s := &w.typing
	if s.model == "" || s.n >= len([]rune(s.model)) {
		t := &w.o.Targets
		s.model, s.n = t.Rare[w.rng.IntN(len(t.Rare))], 0
	}
	if d := time.Until(s.next); d > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
	s.n++
	s.next = time.Now().Add(typingGap)
	return url.Values{"name": {string([]rune(s.model)[:s.n])}}
}

// tooBroad is the lookup's answer to a search it refuses as too broad, in
// zh-CN (the load's language); the bench's inputs must never get it.
var tooBroad = []byte("查询范围太大")

// answers keeps a hash of the first answer to each search of a run.
type answers struct {
	mu   sync.Mutex
	seen map[string]uint64
}

// check returns "" when body is the first answer to query or the same as
// the first, and why not otherwise.
func (a *answers) check(query string, body []byte) string {
	if a == nil {
		return ""
	}
	h := fnv.New64a()
	h.Write(body)
	sum := h.Sum64()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[string]uint64{}
	}
	if first, ok := a.seen[query]; ok && first != sum {
		return "another answer than the first to the same search"
	}
	a.seen[query] = sum
	return ""
}
