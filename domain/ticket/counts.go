package ticket

import "context"

// Counter counts several selections of tickets at once, such as the saved
// views of the queue.
type Counter interface {
	// CountEach returns, for each filter of fs in order, what
	// Tickets.Count returns for it with countCap.
	CountEach(ctx context.Context, fs []Filter, countCap int) ([]int, error)
}

// oneByOne counts each filter with its own Count, for a ticket store that
// is no Counter.
type oneByOne struct{ Tickets }

// CountEach counts each filter in turn.
func (o oneByOne) CountEach(ctx context.Context, fs []Filter, countCap int) ([]int, error) {
	out := make([]int, len(fs))
	for i, f := range fs {
		n, err := o.Count(ctx, f, countCap)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
