// Package ticket holds the support tickets (工单): a customer opens one about
// a device of their verified company, customers and agents talk in its
// thread (agents also write internal notes customers never see), and its
// state moves through the rules of status.go while the SLA clocks of the
// sla package run on its history.
package ticket

import "time"

// Category is what a ticket is about.
type Category string

// The categories of §4.1.
const (
	CategoryFault    Category = "fault"           // 故障报修
	CategoryQuestion Category = "question"        // 咨询
	CategoryService  Category = "service_request" // 服务请求
	CategoryOther    Category = "other"           // 其他
)

// Categories lists the categories in the order the forms show them.
var Categories = []Category{CategoryFault, CategoryQuestion, CategoryService, CategoryOther}

// Valid tells whether c is one of Categories.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Priority is a ticket's urgency, 1 (P1 紧急, system down) to 4 (P4 低).
type Priority int

// The priorities.
const (
	P1 Priority = 1
	P2 Priority = 2
	P3 Priority = 3
	P4 Priority = 4
)

// Priorities lists the priorities, most urgent first.
var Priorities = []Priority{P1, P2, P3, P4}

// Valid tells whether p is one of Priorities.
func (p Priority) Valid() bool { return p >= P1 && p <= P4 }

// Line is one service line of the device as the ticket recorded it.
type Line struct {
	SKU         string    `json:"sku"`
	ServiceName string    `json:"service_name"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
}

// Snapshot is the device and its service lines at the moment the ticket was
// opened (the coverage snapshot): later imports do not rewrite what was
// promised. A ticket without a device has an empty snapshot.
type Snapshot struct {
	DeviceID int64  `json:"device_id,omitempty"`
	SN       string `json:"sn,omitempty"`
	Name     string `json:"name,omitempty"`
	Lines    []Line `json:"lines,omitempty"`
}

// Ticket is one support case of a company.
type Ticket struct {
	ID           int64
	Number       string // T20261127-000123
	CompanyID    int64
	CompanyName  string
	OpenedBy     int64 // the customer account
	OpenedByName string
	Title        string
	Category     Category
	Priority     Priority
	Status       Status
	Phone        string
	Snapshot     Snapshot
	// Covered tells whether an active service line gave the ticket a tier;
	// an uncovered ticket (无有效维保) has no SLA clock.
	Covered bool
	// Tier is the code of the service tier the SLA follows ("" uncovered).
	Tier string
	// FollowUpOf is the closed ticket this one follows up (0: none).
	FollowUpOf   int64
	AssigneeID   int64 // 0: unassigned
	AssigneeName string
	// Version grows with every change; a change made on an older version
	// is refused as a conflict.
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time // the last activity
	ResolvedAt time.Time // zero unless resolved or closed after resolution
	ClosedAt   time.Time
	// FirstResponseAt is the first public staff reply (zero: none yet).
	FirstResponseAt time.Time
	// FirstResponseDue and NextDue come from the SLA clocks, recomputed on
	// every event: the first-response target and the soonest target still
	// running (zero: none), by which the agents' queue sorts.
	FirstResponseDue time.Time
	NextDue          time.Time
	// The outcome of the first-response and resolution clocks when they
	// were last computed (Outcome): whether each was breached then, and
	// when the resolution is due while its clock runs. The reports count
	// from them what the ticket's page computes from its history.
	FirstResponseBreached bool
	ResolutionDue         time.Time
	ResolutionBreached    bool
	// Rating is the customers' 满意度评价 (Score 0: not rated), kept by
	// the Ratings store; Update leaves it as it is.
	Rating Rating
}

// Open tells whether the ticket is neither resolved nor closed.
func (t Ticket) Open() bool { return t.Status.Open() }

// Role is who wrote a message or made a change.
type Role string

// The roles of a ticket's actors.
const (
	RoleCustomer Role = "customer" // 客户
	RoleStaff    Role = "staff"    // 技术支持
	RoleSystem   Role = "system"   // the portal's timed rules
)

// Message is one entry of a ticket's thread: a public message of a customer
// or agent, or an agent's internal note.
type Message struct {
	ID         int64
	TicketID   int64
	AuthorID   int64
	AuthorName string
	AuthorRole Role
	// Internal marks an agent's note: never shown to customers, nor in
	// their emails, exports or search results.
	Internal    bool
	Body        string
	CreatedAt   time.Time
	Attachments []Attachment
}

// Attachment is a file of a message, stored in the private bucket.
type Attachment struct {
	ID          int64
	MessageID   int64
	TicketID    int64
	Key         string
	Name        string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// EventKind names what an event of a ticket's history records.
type EventKind string

// The kinds of history events. The SLA clocks are computed from them.
const (
	EventCreated       EventKind = "created"
	EventStatus        EventKind = "status"   // From, To: statuses
	EventPriority      EventKind = "priority" // From, To: "1".."4"
	EventCategory      EventKind = "category"
	EventAssignee      EventKind = "assignee" // From, To: names ("" unassigned)
	EventCustomerReply EventKind = "customer_message"
	EventStaffReply    EventKind = "staff_reply" // a public staff message
	EventNote          EventKind = "note"
	EventRating        EventKind = "rating" // From, To: the old and new score ("" none)
)

// Event is one entry of a ticket's history: who changed what, when.
type Event struct {
	ID        int64
	TicketID  int64
	At        time.Time
	ActorID   int64 // 0 for the system
	ActorName string
	ActorRole Role
	Kind      EventKind
	From, To  string
}
