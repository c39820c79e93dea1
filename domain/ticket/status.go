package ticket

import (
	"time"

	"supportal/domain"
)

// Status is where a ticket stands (§4.5).
type Status string

// The statuses, in their usual order.
const (
	StatusNew        Status = "new"         // 新建
	StatusInProgress Status = "in_progress" // 处理中
	StatusWaiting    Status = "waiting"     // 待客户反馈
	StatusResolved   Status = "resolved"    // 已解决
	StatusClosed     Status = "closed"      // 已关闭
)

// Statuses lists the statuses in their usual order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusWaiting, StatusResolved, StatusClosed}

// Valid tells whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// Open tells whether a ticket in s still needs work: neither resolved nor
// closed.
func (s Status) Open() bool { return s == StatusNew || s == StatusInProgress || s == StatusWaiting }

// ReopenWithin is how long after its resolution a customer may reopen a
// ticket.
const ReopenWithin = 30 * 24 * time.Hour

var (
	errTransition = domain.E(domain.Invalid, "error.ticket.transition")
	errReopenLate = domain.E(domain.Invalid, "error.ticket.reopen_late")
	errClosed     = domain.E(domain.Invalid, "error.ticket.closed")
)

// agentMoves are the statuses an agent may set by hand, from each status.
var agentMoves = map[Status][]Status{
	StatusNew:        {StatusInProgress, StatusWaiting, StatusResolved, StatusClosed},
	StatusInProgress: {StatusWaiting, StatusResolved, StatusClosed},
	StatusWaiting:    {StatusInProgress, StatusResolved, StatusClosed},
	StatusResolved:   {StatusInProgress, StatusClosed},
}

// customerMoves are the statuses a customer may set by hand: close an
// open or resolved ticket, reopen a resolved one.
var customerMoves = map[Status][]Status{
	StatusNew:        {StatusClosed},
	StatusInProgress: {StatusClosed},
	StatusWaiting:    {StatusClosed},
	StatusResolved:   {StatusInProgress, StatusClosed},
}

// systemMoves are the timed rules: a resolved ticket closes itself, a
// ticket waiting for the customer is resolved after its silence.
var systemMoves = map[Status][]Status{
	StatusWaiting:  {StatusResolved},
	StatusResolved: {StatusClosed},
}

// Move checks that role may move t to status to at now: Invalid
// (error.ticket.closed) for a closed ticket, (error.ticket.reopen_late) for
// a customer's reopening more than ReopenWithin after the resolution,
// (error.ticket.transition) for any other move the rules do not allow,
// including a move to the status the ticket has.
func Move(t Ticket, role Role, to Status, now time.Time) error {
	if t.Status == StatusClosed {
		return errClosed
	}
	var moves map[Status][]Status
	switch role {
	case RoleStaff:
		moves = agentMoves
	case RoleCustomer:
		moves = customerMoves
	case RoleSystem:
		moves = systemMoves
	}
	for _, s := range moves[t.Status] {
		if s != to {
			continue
		}
		if role == RoleCustomer && t.Status == StatusResolved && to == StatusInProgress &&
			!t.ResolvedAt.IsZero() && now.Sub(t.ResolvedAt) > ReopenWithin {
			return errReopenLate
		}
		return nil
	}
	return errTransition
}

// AfterReply returns the status a ticket takes when role posts a public
// message on it: a customer's message on 待客户反馈 or 已解决 moves it back to
// 处理中 (reopening a resolved one, within ReopenWithin); an agent's first
// public reply on 新建 sets 处理中; otherwise the status stays. A closed
// ticket takes no messages: Invalid (error.ticket.closed).
func AfterReply(t Ticket, role Role, now time.Time) (Status, error) {
	if t.Status == StatusClosed {
		return "", errClosed
	}
	switch {
	case role == RoleCustomer && t.Status == StatusWaiting:
		return StatusInProgress, nil
	case role == RoleCustomer && t.Status == StatusResolved:
		if !t.ResolvedAt.IsZero() && now.Sub(t.ResolvedAt) > ReopenWithin {
			return "", errReopenLate
		}
		return StatusInProgress, nil
	case role == RoleStaff && t.Status == StatusNew:
		return StatusInProgress, nil
	}
	return t.Status, nil
}
