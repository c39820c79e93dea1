package storetest

import (
	"slices"
	"testing"
	"time"

	"supportal/domain/ticket"
)

// ticketWorld is two companies' tickets in every state, for the lists.
type ticketWorld struct {
	companyA, companyB int64
	a1, a2, b1         int64 // customers
	x, y               int64 // agents
	byTitle            map[string]ticket.Ticket
}

// newTicketWorld stores seven tickets:
//
//	title              company opener status      P cat      assignee covered SN      due    created updated
//	t1 打印机无法启动      A  a1  new          1 fault    -   yes AS0001  +60m   +0   +10m
//	t2 Backup job fails A  a2  in_progress  2 fault    x   yes AS0002  +30m   +1   +20m
//	t3 咨询 license      A  a1  waiting      3 question x   no  -       -      +2   +5m
//	t4 Upgrade request  A  a2  resolved     4 service  y   yes AS0001  -      +3   +30m
//	t5 Other thing      A  a1  closed       4 other    -   no  -       -      +4   +40m
//	t6 Disk AS0001 down B  b1  new          1 fault    -   yes BS0009  +120m  +5   +10m
//	t7 Network slow     B  b1  in_progress  2 question y   yes XS7     +30m   +6   +6m
func newTicketWorld(t *testing.T, b TicketBackend) *ticketWorld {
	w := &ticketWorld{byTitle: map[string]ticket.Ticket{}}
	w.companyA, w.a1 = b.Customer(t, 0, "甲公司 Alpha")
	_, w.a2 = b.Customer(t, w.companyA, "李二")
	w.companyB, w.b1 = b.Customer(t, 0, "乙公司 Beta")
	w.x, w.y = b.Agent(t, "张工"), b.Agent(t, "赵工")
	at := func(m int) time.Time { return ticketBase.Add(time.Duration(m) * time.Minute) }
	type row struct {
		title      string
		company    int64
		opener     int64
		status     ticket.Status
		p          ticket.Priority
		cat        ticket.Category
		assignee   int64
		covered    bool
		device     int64
		sn         string
		due        int // minutes; 0: none
		created    int
		updatedMin int
	}
	for _, r := range []row{
		{"打印机无法启动", w.companyA, w.a1, ticket.StatusNew, ticket.P1, ticket.CategoryFault, 0, true, 101, "AS0001", 60, 0, 10},
		{"Backup job fails", w.companyA, w.a2, ticket.StatusInProgress, ticket.P2, ticket.CategoryFault, w.x, true, 102, "AS0002", 30, 1, 20},
		{"咨询 license", w.companyA, w.a1, ticket.StatusWaiting, ticket.P3, ticket.CategoryQuestion, w.x, false, 0, "", 0, 2, 5},
		{"Upgrade request", w.companyA, w.a2, ticket.StatusResolved, ticket.P4, ticket.CategoryService, w.y, true, 101, "AS0001", 0, 3, 30},
		{"Other thing", w.companyA, w.a1, ticket.StatusClosed, ticket.P4, ticket.CategoryOther, 0, false, 0, "", 0, 4, 40},
		{"Disk AS0001 down", w.companyB, w.b1, ticket.StatusNew, ticket.P1, ticket.CategoryFault, 0, true, 201, "BS0009", 120, 5, 10},
		{"Network slow", w.companyB, w.b1, ticket.StatusInProgress, ticket.P2, ticket.CategoryQuestion, w.y, true, 202, "XS7", 30, 6, 6},
	} {
		tk := newTicket(r.company, r.opener, r.title, at(r.created))
		tk.CompanyName = "甲公司 Alpha"
		if r.company == w.companyB {
			tk.CompanyName = "乙公司 Beta"
		}
		tk.Status, tk.Priority, tk.Category, tk.AssigneeID, tk.Covered = r.status, r.p, r.cat, r.assignee, r.covered
		if !r.covered {
			tk.Tier = ""
		}
		if r.device != 0 {
			tk.Snapshot = ticket.Snapshot{DeviceID: r.device, SN: r.sn, Name: "设备"}
		}
		if r.due != 0 {
			tk.NextDue = at(r.due)
		}
		tk.UpdatedAt = at(r.updatedMin)
		w.byTitle[r.title] = createTicket(t, b, tk, "")
	}
	return w
}

// titles lists the page f selects, by title, and its count.
func (w *ticketWorld) titles(t *testing.T, b TicketBackend, f ticket.Filter) ([]string, int) {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, n, err := b.Tickets.List(t.Context(), f, 0)
	must(t, err)
	out := []string{}
	for _, tk := range list {
		out = append(out, tk.Title)
		if want := w.byTitle[tk.Title]; tk.ID != want.ID {
			t.Errorf("listed %q with id %d, want %d", tk.Title, tk.ID, want.ID)
		}
	}
	return out, n
}

// wantTitles checks the page and the count f selects: every ticket of
// want, in that order.
func (w *ticketWorld) wantTitles(t *testing.T, b TicketBackend, name string, f ticket.Filter, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	got, n := w.titles(t, b, f)
	if !slices.Equal(got, want) || n != len(want) {
		t.Errorf("%s: %q (count %d), want %q (count %d)", name, got, n, want, len(want))
	}
	if c, err := b.Tickets.Count(t.Context(), f, 0); err != nil || c != len(want) {
		t.Errorf("%s: Count = %d, %v; want %d", name, c, err, len(want))
	}
}

var (
	yes, no  = true, false
	openOnes = []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting}
)

func testTicketFilters(t *testing.T, b TicketBackend) {
	w := newTicketWorld(t, b)
	const (
		t1, t2, t3, t4 = "打印机无法启动", "Backup job fails", "咨询 license", "Upgrade request"
		t5, t6, t7     = "Other thing", "Disk AS0001 down", "Network slow"
	)
	for _, tt := range []struct {
		name string
		f    ticket.Filter
		want []string
	}{
		{"everything", ticket.Filter{}, []string{t5, t4, t2, t6, t1, t7, t3}},
		{"company", ticket.Filter{CompanyID: w.companyA}, []string{t5, t4, t2, t1, t3}},
		{"opened by", ticket.Filter{CompanyID: w.companyA, OpenedBy: w.a1}, []string{t5, t1, t3}},
		{"open statuses", ticket.Filter{Statuses: openOnes}, []string{t2, t6, t1, t7, t3}},
		{"resolved", ticket.Filter{Statuses: []ticket.Status{ticket.StatusResolved}}, []string{t4}},
		{"resolved or closed", ticket.Filter{CompanyID: w.companyA,
			Statuses: []ticket.Status{ticket.StatusResolved, ticket.StatusClosed}}, []string{t5, t4}},
		{"priority", ticket.Filter{Priority: ticket.P1}, []string{t6, t1}},
		{"category", ticket.Filter{Category: ticket.CategoryQuestion}, []string{t7, t3}},
		{"assignee", ticket.Filter{AssigneeID: w.x}, []string{t2, t3}},
		{"unassigned", ticket.Filter{Unassigned: true}, []string{t5, t6, t1}},
		{"unassigned open", ticket.Filter{Unassigned: true, Statuses: openOnes}, []string{t6, t1}},
		{"covered", ticket.Filter{Covered: &yes}, []string{t4, t2, t6, t1, t7}},
		{"uncovered", ticket.Filter{Covered: &no}, []string{t5, t3}},
		{"due before (strictly)", ticket.Filter{DueBefore: ticketBase.Add(time.Hour)}, []string{t2, t7}},
		{"due from (inclusive)", ticket.Filter{DueFrom: ticketBase.Add(time.Hour)}, []string{t6, t1}},
		{"due window", ticket.Filter{DueFrom: ticketBase.Add(31 * time.Minute), DueBefore: ticketBase.Add(2 * time.Hour)}, []string{t1}},
		{"due before, company", ticket.Filter{CompanyID: w.companyB, DueBefore: ticketBase.Add(3 * time.Hour)}, []string{t6, t7}},
		{"search number", ticket.Filter{Search: w.byTitle[t3].Number}, []string{t3}},
		{"search number in another company", ticket.Filter{CompanyID: w.companyB, Search: w.byTitle[t3].Number}, nil},
		{"search title, any case", ticket.Filter{Search: "BACKUP"}, []string{t2}},
		{"search Chinese title", ticket.Filter{Search: "无法"}, []string{t1}},
		{"search SN or title", ticket.Filter{Search: "as0001"}, []string{t4, t6, t1}},
		{"search SN in a company", ticket.Filter{CompanyID: w.companyA, Search: "AS000"}, []string{t4, t2, t1}},
		{"search company name in the queue", ticket.Filter{Search: "beta"}, []string{t6, t7}},
		{"no company name in a company's list", ticket.Filter{CompanyID: w.companyB, Search: "beta"}, nil},
		{"search wildcards are text", ticket.Filter{Search: "%"}, nil},
		{"search underscore is text", ticket.Filter{Search: "AS_001"}, nil},
		{"everything at once", ticket.Filter{CompanyID: w.companyA, OpenedBy: w.a2, Statuses: openOnes,
			Priority: ticket.P2, Category: ticket.CategoryFault, AssigneeID: w.x, Covered: &yes,
			DueBefore: ticketBase.Add(time.Hour), Search: "job"}, []string{t2}},
		{"nothing", ticket.Filter{CompanyID: w.companyB, AssigneeID: w.x}, nil},
	} {
		w.wantTitles(t, b, tt.name, tt.f, tt.want...)
	}
}

func testTicketSorts(t *testing.T, b TicketBackend) {
	w := newTicketWorld(t, b)
	const (
		t1, t2, t3, t4 = "打印机无法启动", "Backup job fails", "咨询 license", "Upgrade request"
		t5, t6, t7     = "Other thing", "Disk AS0001 down", "Network slow"
	)
	// Newest activity first, the later ticket first on a tie (t6, t1).
	w.wantTitles(t, b, "activity", ticket.Filter{Sort: ticket.SortActivity}, t5, t4, t2, t6, t1, t7, t3)
	w.wantTitles(t, b, "default order", ticket.Filter{}, t5, t4, t2, t6, t1, t7, t3)
	// Soonest target first, the older ticket first on a tie (t2, t7), the
	// tickets without a target last, oldest first.
	w.wantTitles(t, b, "due", ticket.Filter{Sort: ticket.SortDue}, t2, t7, t1, t6, t3, t4, t5)
	w.wantTitles(t, b, "open by due", ticket.Filter{Sort: ticket.SortDue, Statuses: openOnes}, t2, t7, t1, t6, t3)
	w.wantTitles(t, b, "company's open by due", ticket.Filter{Sort: ticket.SortDue, CompanyID: w.companyA,
		Statuses: openOnes}, t2, t1, t3)
	w.wantTitles(t, b, "agent's by due", ticket.Filter{Sort: ticket.SortDue, AssigneeID: w.y}, t7, t4)
}

func testTicketPages(t *testing.T, b TicketBackend) {
	w := newTicketWorld(t, b)
	for _, tt := range []struct {
		offset, limit int
		sort          string
		want          []string
	}{
		{0, 2, ticket.SortActivity, []string{"Other thing", "Upgrade request"}},
		{2, 2, ticket.SortActivity, []string{"Backup job fails", "Disk AS0001 down"}},
		{6, 2, ticket.SortActivity, []string{"咨询 license"}},
		{10, 2, ticket.SortActivity, []string{}},
		{3, 3, ticket.SortDue, []string{"Disk AS0001 down", "咨询 license", "Upgrade request"}},
	} {
		got, n := w.titles(t, b, ticket.Filter{Sort: tt.sort, Offset: tt.offset, Limit: tt.limit})
		if !slices.Equal(got, tt.want) || n != 7 {
			t.Errorf("%s offset %d limit %d: %q (count %d), want %q (count 7)", tt.sort, tt.offset, tt.limit, got, n, tt.want)
		}
	}
}

func testTicketCountCap(t *testing.T, b TicketBackend) {
	ctx := t.Context()
	w := newTicketWorld(t, b)
	// A count above the cap stops after cap+1: "more than cap".
	for _, tt := range []struct{ cap, want int }{{0, 7}, {3, 4}, {6, 7}, {7, 7}, {50, 7}} {
		if n, err := b.Tickets.Count(ctx, ticket.Filter{}, tt.cap); err != nil || n != tt.want {
			t.Errorf("Count(cap %d) = %d, %v; want %d", tt.cap, n, err, tt.want)
		}
		list, n, err := b.Tickets.List(ctx, ticket.Filter{Limit: 2}, tt.cap)
		if err != nil || n != tt.want || len(list) != 2 {
			t.Errorf("List(cap %d) = %d tickets, count %d, %v; want 2 and %d", tt.cap, len(list), n, err, tt.want)
		}
	}
	if n, err := b.Tickets.Count(ctx, ticket.Filter{CompanyID: w.companyA, Statuses: openOnes}, 2); err != nil || n != 3 {
		t.Errorf("Count(company A open, cap 2) = %d, %v; want 3", n, err)
	}
	if n, err := b.Tickets.Count(ctx, ticket.Filter{CompanyID: w.companyB}, 2); err != nil || n != 2 {
		t.Errorf("Count(company B, cap 2) = %d, %v; want 2", n, err)
	}
}
