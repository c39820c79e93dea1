package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"supportal/domain/ticket"
)

// TicketSpec describes a generated ticket data set over the companies of a
// device data set (the same credit codes and names). The same TicketSpec,
// Bases and devices always yield the same rows.
type TicketSpec struct {
	Tickets  int
	Messages int // about: every ticket has one, the rest are spread over them
	Open     int // tickets in 新建, 处理中 or 待客户反馈, exactly
	Agents   int
	// Customers is the customer accounts of every company; the largest
	// company has TopCustomers.
	Customers    int
	TopCustomers int
	// TopShare of the tickets belong to the largest company, the others
	// Zipf-sized like the devices.
	TopShare float64
	Seed     uint64
	// Now is the time the data set ends at: every ticket was created at
	// least a day before it, so the creation limits start untouched.
	Now time.Time
}

// Validate checks that a TicketSpec can be generated over n companies.
func (s TicketSpec) Validate(n int) error {
	switch {
	case s.Tickets < n:
		return errors.New("tickets: at least one ticket per company")
	case s.Open < 0 || s.Open > s.Tickets:
		return errors.New("tickets: open between 0 and the number of tickets")
	case s.Messages < s.Tickets:
		return errors.New("tickets: at least one message per ticket")
	case s.Agents < 1 || s.Customers < 1 || s.TopCustomers < 1:
		return errors.New("tickets: at least one agent and one customer per company")
	case s.Now.IsZero():
		return errors.New("tickets: no end time")
	}
	return nil
}

// Bases are the ids already used in the tables; generated rows take the
// ids after them.
type Bases struct {
	Company, Account, Submission, Attachment, Ticket, Message, Event int64
}

// DeviceRef is a device of the warranty data a ticket may be about.
type DeviceRef struct {
	ID       int64
	SN, Name string
}

// GenCompany is a generated company with its customers.
type GenCompany struct {
	ID        int64
	Code      string
	Name      string
	Tickets   int
	Customers []GenAccount
}

// GenAccount is a generated account: a customer (CompanyID set) or an agent.
type GenAccount struct {
	ID        int64
	CompanyID int64
	Email     string
	Name      string
}

// GenTicket is one generated ticket with its thread, history and followers.
type GenTicket struct {
	ticket.Ticket
	Messages  []ticket.Message
	Events    []ticket.Event
	Followers []int64
}

// TicketGen generates a ticket data set. Companies and accounts are kept in
// memory; tickets stream through Each, which may run any number of times
// and yields the same tickets each time.
type TicketGen struct {
	spec      TicketSpec
	bases     Bases
	companies []GenCompany
	agents    []GenAccount
	devices   map[int][]DeviceRef // by company index
}

// NewTicketGen prepares the companies of devSpec (codes and names as the
// device generator makes them), their customers and the agents. devices
// are the warranty devices tickets refer to, by company index (nil: none).
func NewTicketGen(s TicketSpec, devSpec Spec, b Bases, devices map[int][]DeviceRef) (*TicketGen, error) {
	if devSpec.ZipfS == 0 {
		devSpec.ZipfS = 0.8
	}
	if err := devSpec.Validate(); err != nil {
		return nil, fmt.Errorf("tickets: %w", err)
	}
	if err := s.Validate(devSpec.Companies); err != nil {
		return nil, err
	}
	cos := devSpec.makeCompanies(rand.New(rand.NewPCG(devSpec.Seed, 0x5eed)))
	share := devSpec
	share.Devices, share.TopShare = s.Tickets, s.TopShare
	sizes := share.sizes()
	g := &TicketGen{spec: s, bases: b, devices: devices}
	acct := b.Account
	for i := range s.Agents {
		acct++
		g.agents = append(g.agents, GenAccount{ID: acct, Email: agentEmail(i), Name: fmt.Sprintf("技术支持%02d", i+1)})
	}
	for i, c := range cos {
		gc := GenCompany{ID: b.Company + int64(i) + 1, Code: c.Code, Name: c.Name, Tickets: sizes[i]}
		n := s.Customers
		if i == 0 {
			n = s.TopCustomers
		}
		for k := range n {
			acct++
			gc.Customers = append(gc.Customers, GenAccount{ID: acct, CompanyID: gc.ID, Email: customerEmail(i, k),
				Name: surnames[(i+k)%len(surnames)] + givenNames[(i*7+k)%len(givenNames)]})
		}
		g.companies = append(g.companies, gc)
	}
	return g, nil
}

// agentEmail and customerEmail name the generated accounts; the first
// customer of the largest company is the one the lookup signs in as.
func agentEmail(i int) string { return fmt.Sprintf("agent%d@bench.example.com", i+1) }

func customerEmail(company, k int) string {
	if company == 0 && k == 0 {
		return benchEmail
	}
	return fmt.Sprintf("c%d.%d@bench.example.com", company, k+1)
}

// Companies returns the generated companies, largest first.
func (g *TicketGen) Companies() []GenCompany { return g.companies }

// Agents returns the generated agents.
func (g *TicketGen) Agents() []GenAccount { return g.agents }

var (
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"}
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平"}
	problems   = []string{"磁盘告警", "备份任务失败", "无法登录管理界面", "性能下降", "升级咨询", "许可证到期提醒", "网络中断",
		"存储空间不足", "电源模块故障", "恢复速度慢", "配置变更申请", "报表导出异常"}
	bodies = []string{"请协助排查，附上日志截图。", "问题从昨天下午开始出现，影响生产业务。", "已按手册重启服务，问题依旧。",
		"已收到，正在分析日志。", "请提供设备序列号和最近一次变更记录。", "已远程修复，请确认是否恢复正常。",
		"确认已恢复，谢谢。", "内部备注：需要二线支持跟进。", "补丁已发布，请在维护窗口内安装。"}
	tiers = []string{"standard", "standard", "standard", "standard", "standard", "onsite", "onsite", "premium", "premium", "premium"}
)

// weighted picks an index by weights.
func weighted(rng *rand.Rand, ws ...int) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	r := rng.IntN(total)
	for i, w := range ws {
		if r -= w; r < 0 {
			return i
		}
	}
	return len(ws) - 1
}

// Each calls fn with every ticket, company by company, largest first, with
// ids after the Bases. fn must not keep the ticket. Days returns the
// numbers given out per day afterwards.
func (g *TicketGen) Each(fn func(*GenTicket) error) (days map[string]int, err error) {
	s := g.spec
	rng := rand.New(rand.NewPCG(s.Seed, 0x71c7))
	days = map[string]int{}
	tid, mid, eid := g.bases.Ticket, g.bases.Message, g.bases.Event
	left, openLeft := s.Tickets, s.Open
	extra := float64(s.Messages-s.Tickets) / float64(s.Tickets)
	var t GenTicket
	for ci, c := range g.companies {
		for range c.Tickets {
			tid++
			open := rng.IntN(left) < openLeft // selection sampling: exactly Open
			left--
			if open {
				openLeft--
			}
			t = GenTicket{Messages: t.Messages[:0], Events: t.Events[:0], Followers: t.Followers[:0]}
			g.fill(rng, &t, ci, tid, open)
			day := ticket.NumberDay(t.CreatedAt)
			days[day]++
			t.Number = ticket.Number(day, days[day])
			k := int(extra)
			if rng.Float64() < extra-float64(k) {
				k++
			}
			g.thread(rng, &t, 2*k, &mid, &eid)
			if err := fn(&t); err != nil {
				return days, err
			}
		}
	}
	return days, nil
}

// fill sets the ticket's fields: who opened it, what about, its status,
// assignee, coverage and SLA times.
func (g *TicketGen) fill(rng *rand.Rand, t *GenTicket, ci int, id int64, open bool) {
	c := &g.companies[ci]
	opener := c.Customers[rng.IntN(len(c.Customers))]
	now := g.spec.Now
	cat := ticket.Categories[weighted(rng, 50, 25, 15, 10)]
	pr := ticket.Priorities[weighted(rng, 5, 20, 50, 25)]
	t.Ticket = ticket.Ticket{ID: id, CompanyID: c.ID, CompanyName: c.Name, OpenedBy: opener.ID, OpenedByName: opener.Name,
		Category: cat, Priority: pr, Phone: fmt.Sprintf("138%08d", opener.ID%100000000), Version: 1}
	title := problems[rng.IntN(len(problems))]
	if devs := g.devices[ci]; len(devs) > 0 && rng.IntN(10) < 7 {
		d := devs[rng.IntN(len(devs))]
		t.Snapshot = ticket.Snapshot{DeviceID: d.ID, SN: d.SN, Name: d.Name}
		title = RareFragment(d.Name) + " " + title
	}
	t.Title = title
	if t.Covered = rng.IntN(10) < 8; t.Covered {
		t.Tier = tiers[rng.IntN(len(tiers))]
	}
	day := 24 * time.Hour
	if open {
		t.CreatedAt = now.Add(-day - time.Duration(rng.Int64N(int64(30*day))))
		t.Status = ticket.Statuses[weighted(rng, 25, 50, 25)]
	} else {
		t.CreatedAt = now.Add(-20*day - time.Duration(rng.Int64N(int64(3*365*day)))) // closed before now
		t.Status = ticket.Statuses[3+weighted(rng, 10, 90)]
	}
	t.CreatedAt = t.CreatedAt.Truncate(time.Second)
	if t.Covered {
		t.FirstResponseDue = t.CreatedAt.Add(time.Duration(1+rng.IntN(8)) * time.Hour)
	}
	if t.Status != ticket.StatusNew {
		t.FirstResponseAt = t.CreatedAt.Add(time.Duration(10+rng.IntN(470)) * time.Minute)
	}
	// Most new tickets wait for an agent; every other one has one.
	if t.Status != ticket.StatusNew || rng.IntN(10) < 3 {
		a := g.agents[rng.IntN(len(g.agents))]
		t.AssigneeID, t.AssigneeName = a.ID, a.Name
	}
	switch t.Status {
	case ticket.StatusResolved, ticket.StatusClosed:
		t.ResolvedAt = t.FirstResponseAt.Add(time.Duration(rng.Int64N(int64(10 * day))))
		t.UpdatedAt = t.ResolvedAt
		if t.Status == ticket.StatusClosed {
			t.ClosedAt = t.ResolvedAt.Add(7 * day)
			t.UpdatedAt = t.ClosedAt
		}
	default:
		t.UpdatedAt = t.CreatedAt.Add(time.Duration(rng.Int64N(int64(now.Sub(t.CreatedAt)))))
		if t.UpdatedAt.Before(t.FirstResponseAt) {
			t.UpdatedAt = t.FirstResponseAt
		}
		if t.Covered && t.Status != ticket.StatusWaiting {
			// Some are overdue, a few due within the hour, most later.
			switch weighted(rng, 30, 5, 65) {
			case 0:
				t.NextDue = now.Add(-time.Duration(1+rng.Int64N(int64(3*day/time.Minute))) * time.Minute)
			case 1:
				t.NextDue = now.Add(time.Duration(1+rng.IntN(59)) * time.Minute)
			default:
				t.NextDue = now.Add(time.Hour + time.Duration(rng.Int64N(int64(5*day/time.Minute)))*time.Minute)
			}
		}
	}
	t.UpdatedAt = t.UpdatedAt.Truncate(time.Second)
	g.outcomes(t)
	t.Followers = append(t.Followers, opener.ID)
	if t.AssigneeID != 0 {
		t.Followers = append(t.Followers, t.AssigneeID)
	}
}

// thread writes the ticket's messages (the description, then replies of
// customers and agents, some internal notes) and the history that goes
// with them, between its creation and its last activity.
func (g *TicketGen) thread(rng *rand.Rand, t *GenTicket, maxExtra int, mid, eid *int64) {
	n := 1
	if maxExtra > 0 {
		n += rng.IntN(maxExtra + 1)
	}
	if t.Status == ticket.StatusNew {
		n = 1 + min(n-1, 1) // no agent has answered: at most a customer's addition
	}
	span := t.UpdatedAt.Sub(t.CreatedAt)
	ev := func(at time.Time, actor int64, name string, role ticket.Role, kind ticket.EventKind, from, to string) {
		*eid++
		t.Events = append(t.Events, ticket.Event{ID: *eid, TicketID: t.ID, At: at, ActorID: actor, ActorName: name,
			ActorRole: role, Kind: kind, From: from, To: to})
	}
	ev(t.CreatedAt, t.OpenedBy, t.OpenedByName, ticket.RoleCustomer, ticket.EventCreated, "", string(ticket.StatusNew))
	staff, staffName := t.AssigneeID, t.AssigneeName
	if staff == 0 {
		a := g.agents[rng.IntN(len(g.agents))]
		staff, staffName = a.ID, a.Name
	}
	if t.AssigneeID != 0 {
		ev(t.CreatedAt.Add(span/(time.Duration(2*n)+1)), staff, staffName, ticket.RoleStaff, ticket.EventAssignee, "", staffName)
	}
	status := ticket.StatusNew
	for i := range n {
		at := t.CreatedAt.Add(span * time.Duration(i) / time.Duration(n))
		m := ticket.Message{TicketID: t.ID, CreatedAt: at, Body: bodies[rng.IntN(len(bodies))]}
		switch {
		case i == 0:
			m.Body = t.Title + "：" + m.Body
			m.AuthorID, m.AuthorName, m.AuthorRole = t.OpenedBy, t.OpenedByName, ticket.RoleCustomer
		case t.Status != ticket.StatusNew && i%2 == 1:
			m.AuthorID, m.AuthorName, m.AuthorRole = staff, staffName, ticket.RoleStaff
			m.Internal = rng.IntN(10) == 0
		default:
			m.AuthorID, m.AuthorName, m.AuthorRole = t.OpenedBy, t.OpenedByName, ticket.RoleCustomer
		}
		*mid++
		m.ID = *mid
		t.Messages = append(t.Messages, m)
		switch {
		case i == 0:
		case m.AuthorRole == ticket.RoleCustomer:
			ev(at, m.AuthorID, m.AuthorName, ticket.RoleCustomer, ticket.EventCustomerReply, "", "")
		case m.Internal:
			ev(at, staff, staffName, ticket.RoleStaff, ticket.EventNote, "", "")
		default:
			ev(at, staff, staffName, ticket.RoleStaff, ticket.EventStaffReply, "", "")
			if status == ticket.StatusNew {
				ev(at, staff, staffName, ticket.RoleStaff, ticket.EventStatus, string(status), string(ticket.StatusInProgress))
				status = ticket.StatusInProgress
			}
		}
	}
	move := func(at time.Time, to ticket.Status, role ticket.Role) {
		id, name := staff, staffName
		if role == ticket.RoleSystem {
			id, name = 0, ""
		}
		ev(at, id, name, role, ticket.EventStatus, string(status), string(to))
		status = to
	}
	if t.Status != ticket.StatusNew && status == ticket.StatusNew {
		move(t.FirstResponseAt, ticket.StatusInProgress, ticket.RoleStaff)
	}
	switch t.Status {
	case ticket.StatusWaiting:
		move(t.UpdatedAt, ticket.StatusWaiting, ticket.RoleStaff)
	case ticket.StatusResolved:
		move(t.ResolvedAt, ticket.StatusResolved, ticket.RoleStaff)
	case ticket.StatusClosed:
		move(t.ResolvedAt, ticket.StatusResolved, ticket.RoleStaff)
		move(t.ClosedAt, ticket.StatusClosed, ticket.RoleSystem)
	}
	t.Version = len(t.Events)
}
