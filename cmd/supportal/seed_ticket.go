package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"supportal/domain/ticket"
	"supportal/domain/warranty"
)

// demoDevicesFor are the demo company's devices the demo tickets are about:
// one with an active 7x24 line, one with an active 5x8 line, and one whose
// lines have all ended.
type demoDevicesFor struct{ premium, standard, expired int64 }

// seedTickets opens the demo company's tickets through the ticket service,
// as its customer and the demo agent would, so that 我的工单 and the agents'
// queue show a ticket in every state: new, in progress (with an internal
// note), waiting for the customer, resolved, closed, one on a device out of
// coverage and one past its first-response target. It does nothing once the
// company has a ticket.
func seedTickets(ctx context.Context, a *app, out io.Writer) error {
	cust, err := a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		return fmt.Errorf("seed: tickets: %w", err)
	}
	agentAcct, err := a.store.AccountByEmail(ctx, "agent@example.com")
	if err != nil {
		return fmt.Errorf("seed: tickets: %w", err)
	}
	customer := ticket.Actor{AccountID: cust.ID, CompanyID: cust.CompanyID}
	agent := ticket.Actor{AccountID: agentAcct.ID, StaffRole: ticket.StaffAgent}
	have, err := a.ticket.List(ctx, customer, ticket.ListQuery{Show: ticket.ShowAll})
	if err != nil || len(have.Tickets) > 0 {
		return err
	}
	now := time.Now()
	devs, err := demoTicketDevices(ctx, a.warranty, cust.CompanyID, now)
	if err != nil {
		return err
	}
	// Each demo ticket is opened on a clock set back by its age, so that its
	// history and SLA clocks are those of a real ticket of that age.
	at := func(age time.Duration) *ticket.Service {
		d := a.ticketDeps
		d.Now = func() time.Time { return time.Now().Add(-age) }
		return ticket.NewService(d)
	}
	open := func(svc *ticket.Service, title, body string, c ticket.Category, p ticket.Priority, device int64) (ticket.Ticket, error) {
		return svc.Create(ctx, customer, ticket.Input{Category: c, Priority: p, Title: title, Description: body,
			DeviceID: device, Phone: cust.Mobile})
	}
	loaded := func(t ticket.Ticket) ticket.Loaded { return ticket.Loaded{Version: t.Version, UpdatedAt: t.UpdatedAt} }
	reply := func(svc *ticket.Service, t ticket.Ticket, body string, internal bool, next ticket.Status) (ticket.Ticket, error) {
		_, t, err := svc.StaffReply(ctx, agent, t.ID, loaded(t), ticket.StaffInput{Body: body, Internal: internal, Next: next})
		return t, err
	}
	steps := []func() error{
		func() error { // 新建, 7x24
			_, err := open(at(20*time.Minute), "备份任务在凌晨失败", "AnyBackup 一体机的夜间备份任务连续两天失败，日志里提示存储空间不足。\n请协助排查。",
				ticket.CategoryFault, ticket.P2, devs.premium)
			return err
		},
		func() error { // past its first-response target, 5x8
			_, err := open(at(72*time.Hour), "存储节点无法访问", "S200 存储节点从前天起无法通过管理界面访问，业务已受影响。",
				ticket.CategoryFault, ticket.P1, devs.standard)
			return err
		},
		func() error { // 处理中, with an internal note
			svc := at(26 * time.Hour)
			t, err := open(svc, "咨询扩容方案", "我们计划明年扩容一倍，想了解可选的扩容方案和所需时间。", ticket.CategoryQuestion, ticket.P3, devs.premium)
			if err != nil {
				return err
			}
			if t, err = svc.Assign(ctx, agent, t.ID, loaded(t), agentAcct.ID); err != nil {
				return err
			}
			if t, err = reply(svc, t, "您好，扩容可以在线进行，我们整理好方案后发给您。", false, ""); err != nil {
				return err
			}
			_, err = reply(svc, t, "客户去年已扩容一次，需确认机柜空间。", true, "")
			return err
		},
		func() error { // 待客户反馈
			svc := at(5 * time.Hour)
			t, err := open(svc, "日志分析平台告警过多", "R1000 每小时产生上百条告警邮件，能否调整阈值？", ticket.CategoryService, ticket.P4, devs.premium)
			if err != nil {
				return err
			}
			_, err = reply(svc, t, "请提供当前的告警规则截图，以便我们给出调整建议。", false, ticket.StatusWaiting)
			return err
		},
		func() error { // 已解决
			svc := at(50 * time.Hour)
			t, err := open(svc, "升级后无法登录管理界面", "升级到新版本后管理界面提示证书错误。", ticket.CategoryFault, ticket.P2, devs.standard)
			if err != nil {
				return err
			}
			if t, err = reply(svc, t, "请清除浏览器缓存后重试；新版本更换了默认证书。", false, ""); err != nil {
				return err
			}
			_, err = svc.SetStatus(ctx, agent, t.ID, loaded(t), ticket.StatusResolved)
			return err
		},
		func() error { // 已关闭
			svc := at(9 * 24 * time.Hour)
			t, err := open(svc, "申请上门巡检", "请安排一次年度上门巡检。", ticket.CategoryService, ticket.P4, devs.standard)
			if err != nil {
				return err
			}
			if t, err = reply(svc, t, "巡检已完成，报告已发送到您的邮箱。", false, ticket.StatusResolved); err != nil {
				return err
			}
			_, err = svc.Close(ctx, customer, t.ID)
			return err
		},
		func() error { // 无有效维保
			_, err := open(at(3*time.Hour), "旧设备风扇噪音大", "这台旧设备的风扇噪音明显变大，是否需要更换？", ticket.CategoryFault, ticket.P3, devs.expired)
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("seed: tickets: %w", err)
		}
	}
	fmt.Fprintf(out, "Demo tickets: %d for 上海示例数据科技有限公司 (one in every state, one out of coverage, one overdue)\n", len(steps))
	return nil
}

// demoTicketDevices picks the demo company's devices for the demo tickets
// from its warranty data.
func demoTicketDevices(ctx context.Context, w *warranty.Service, companyID int64, now time.Time) (demoDevicesFor, error) {
	var d demoDevicesFor
	for n := 1; n <= 50 && (d.premium == 0 || d.standard == 0 || d.expired == 0); n++ {
		res, err := w.Search(ctx, companyID, warranty.SearchInput{Page: n})
		if err != nil {
			return d, fmt.Errorf("seed: tickets: devices: %w", err)
		}
		for _, dev := range res.Devices {
			active := map[string]bool{}
			for _, l := range dev.Lines {
				switch warranty.CoverageOn(l.Start, l.End, now, shanghai()) {
				case warranty.Active, warranty.Expiring:
					active[strings.SplitN(l.SKU, "-", 3)[1]] = true
				}
			}
			switch {
			case active["PREM"] && d.premium == 0:
				d.premium = dev.ID
			case active["STD"] && !active["PREM"] && d.standard == 0:
				d.standard = dev.ID
			case len(active) == 0 && d.expired == 0:
				d.expired = dev.ID
			}
		}
		if !res.Page.HasNext {
			break
		}
	}
	if d.premium == 0 || d.standard == 0 || d.expired == 0 {
		return d, fmt.Errorf("seed: tickets: the demo devices lack a covered or an expired one: %+v", d)
	}
	return d, nil
}
