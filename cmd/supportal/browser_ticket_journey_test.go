package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
	"supportal/domain/ticket"
	"supportal/domain/warranty"
)

// A ticket's whole life in two browsers on the real application with the
// dev seed (SPEC §4.1–4.5): the demo customer opens it from a 服务查询 row
// with a log file; the demo agent signs in with the second factor, finds it
// in 未分配, takes it, writes an internal note, replies with a file and sets
// 待客户反馈 in one step; the customer sees the reply and the status and
// answers (处理中 again) while the agent's page is stale, so the agent's
// 已解决 meets the conflict panel and is applied again; the customer reopens
// it. The customer's pages never show the note. Then a device out of
// coverage shows its warning on the form, and a customer whose company is
// still in review is told why on 提交工单 and 我的工单. In both languages and
// once without JavaScript; the zh-CN run photographs every step at 1440 and
// 390 px (the queue in en too).

// journeyDevices returns two devices of the demo company: one under an
// active support line, one whose lines have all ended, preferring devices the
// seed's tickets are not about.
func journeyDevices(t *testing.T, app *testApp) (covered, expired warranty.Device) {
	t.Helper()
	ctx := context.Background()
	demo, err := app.a.store.AccountByEmail(ctx, "demo@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var cov, exp []warranty.Device
	for n := 1; n <= 20 && (len(cov) < 2 || len(exp) < 2); n++ {
		res, err := app.a.warranty.Search(ctx, demo.CompanyID, warranty.SearchInput{Page: n})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Devices {
			active, support := false, false
			for _, l := range d.Lines {
				switch warranty.CoverageOn(l.Start, l.End, now, shanghai()) {
				case warranty.Active, warranty.Expiring:
					active = true
					support = support || strings.Contains(l.SKU, "-PREM") || strings.Contains(l.SKU, "-STD")
				}
			}
			switch {
			case support:
				cov = append(cov, d)
			case !active && len(d.Lines) > 0:
				exp = append(exp, d)
			}
		}
		if !res.Page.HasNext {
			break
		}
	}
	if len(cov) == 0 || len(exp) == 0 {
		t.Fatalf("the seed has %d covered and %d expired devices", len(cov), len(exp))
	}
	return cov[min(1, len(cov)-1)], exp[min(1, len(exp)-1)]
}

// lastEnd is the end of the device's last service line as 提交工单 names it.
func lastEnd(d warranty.Device) string {
	var end time.Time
	for _, l := range d.Lines {
		if l.End.After(end) {
			end = l.End
		}
	}
	return end.Format(time.DateOnly)
}

// photograph takes the page at 1440 and 390 px when photos is set, and
// returns to the test's width.
func (b *browser) photograph(photos bool, name string) {
	b.t.Helper()
	if !photos {
		return
	}
	for _, w := range []int64{1440, 390} {
		b.viewport(w, 900)
		b.saveScreenshot(name + "-" + b.lang + "-" + strconv.FormatInt(w, 10))
	}
	b.viewport(1280, 900)
}

// follow clicks a link that htmx may load in place: with JavaScript it waits
// until cond holds, without it waits for the page.
func (b *browser) follow(sel, cond string) {
	b.t.Helper()
	if !b.js {
		b.submit(sel, http.StatusOK)
		return
	}
	b.click(sel)
	b.waitFor(sel, cond)
}

// expectNoText checks that the page shows s nowhere.
func (b *browser) expectNoText(s, where string) {
	b.t.Helper()
	if body := b.text("body"); strings.Contains(body, s) {
		b.t.Fatalf("%s shows %q", where, s)
	}
}

func TestBrowserTicketJourney(t *testing.T) {
	chromiumPath(t)
	for _, run := range ticketRuns {
		name := run.name()
		t.Run(name, func(t *testing.T) {
			app, _, _, _ := warrantyApp(t)
			covered, expired := journeyDevices(t, app)
			photos := run.js && run.lang == i18n.ZH
			const deadline = 4 * journeyTimeout // two people taking turns
			c := newBrowserFor(t, app, run.lang, run.js, deadline)
			s := newBrowserFor(t, app, run.lang, run.js, deadline)

			// The customer opens the ticket from the device's 服务查询 row.
			c.signInWithPassword("demo@example.com", demoPassword)
			c.open("/warranty?sn=" + covered.SN)
			c.expectScripts()
			row := "#results tbody.device a.dticket"
			c.expectText(row, "warranty.ticket")
			c.submit(row, http.StatusOK)
			c.expectPath("/tickets/new")
			c.expectValue("device", covered.SN)
			c.do("no coverage warning", chromedp.WaitNotPresent(chromedp.CSS("#device-uncovered")))
			if photos {
				c.photograph(true, "journey-form")
				// The form refused, as a browser without constraint
				// validation would send it empty.
				c.do("send the form empty", chromedp.Evaluate[chromedp.Void](
					`document.querySelectorAll("#ticket-form [required]").forEach(e => e.removeAttribute("required"))`))
				c.click("#ticket-form button[type=submit]")
				c.waitFor("the error summary", `document.querySelector(".error-summary") !== null`)
				c.expectContains("#e-title", "error.ticket.title_required")
				c.photograph(true, "journey-form-errors")
				c.open("/tickets/new?sn=" + covered.SN)
			}
			c.choose("category", "fault")
			c.click("#f-priority-2")
			const title = "备份任务失败 E1024"
			c.fill("title", title)
			c.fill("description", "每晚的备份任务失败。\n错误代码 E1024。")
			dir := t.TempDir()
			log := filepath.Join(dir, "backup.log")
			if err := os.WriteFile(log, []byte("2026-01-01 02:00 backup failed: E1024\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			c.do("attach the log", chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{log}))
			c.submit("#ticket-form button[type=submit]", http.StatusOK)
			m := createdPath.FindStringSubmatch(c.path())
			if m == nil {
				t.Fatalf("the form led to %s", c.path())
			}
			id := m[1]
			c.expectText("#ticket-created h1", "ticket.created.heading")
			number := c.text("#ticket-number")
			if got := c.text("#ticket-files"); got != "backup.log" {
				t.Errorf("attachments listed: %q", got)
			}
			c.expectContains("#ticket-due", "ticket.created.due")
			c.photograph(photos, "journey-created")

			// The agent finds it in 未分配 and takes it.
			s.staffSignIn("agent@example.com", demoPassword)
			s.submit("nav.mainnav a[href='/staff/tickets']", http.StatusOK)
			s.expectText("main h1", "staffticket.queue.title")
			s.follow("nav.qtabs a[data-focus-key='view-unassigned']",
				`document.querySelector("nav.qtabs a[aria-current=page]")?.dataset.focusKey === "view-unassigned"`)
			qrow := "table.qtable tr:has(a[href='/staff/tickets/" + id + "'])"
			if got := s.text(qrow + " td.mono a"); got != number {
				t.Fatalf("the queue's row reads %q, want %q", got, number)
			}
			s.expectText(qrow+" .badge-st", "ticket.status.new")
			s.photograph(photos || (run.js && run.lang == i18n.EN), "journey-queue")
			s.submit(qrow+" td.mono a", http.StatusOK)
			s.expectPath("/staff/tickets/" + id)
			s.submit("#assign-me", http.StatusOK)
			s.expectContains(".flash", "flash.staffticket.assigned")

			// An internal note, then a public reply with a file that asks the
			// customer for more and waits for them.
			const note = "内部：客户的备份策略可能有误，先确认保留周期。"
			s.click("#reply-form input[name=internal][value='1']")
			s.do("type the note", chromedp.SendKeys(chromedp.CSS("#r-f-body"), note))
			s.submit("#reply-form button[type=submit]", http.StatusOK)
			s.expectContains(".flash", "flash.staffticket.replied")
			if got := s.text(".thread li.msg-note .msg-body"); got != note {
				t.Fatalf("the note reads %q", got)
			}
			const reply = "请按附件中的步骤收集备份日志并上传。"
			guide := filepath.Join(dir, "日志收集说明.txt")
			if err := os.WriteFile(guide, []byte("1. 登录管理界面\n2. 导出日志\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s.do("type the reply", chromedp.SendKeys(chromedp.CSS("#r-f-body"), reply),
				chromedp.SetValue(chromedp.CSS("#r-f-status"), string(ticket.StatusWaiting)),
				chromedp.SetUploadFiles(chromedp.CSS("#r-f-attachments"), []string{guide}))
			s.submit("#reply-form button[type=submit]", http.StatusOK)
			s.expectContains(".flash", "flash.staffticket.replied")
			s.expectText(".tbadges .badge-st", "ticket.status.waiting")
			s.photograph(photos, "journey-agent-ticket")

			// The customer sees the reply, its file and the status, not the
			// note, and answers.
			c.open("/tickets/" + id)
			c.expectText("#ticket-status .badge", "ticket.status.waiting")
			last := ".messages li:last-child"
			if got := c.text(last + " .message-body"); got != reply {
				t.Fatalf("the last message reads %q, want the agent's reply", got)
			}
			c.expectText(last+" .badge-role", "tickets.role.staff")
			if got := c.text(last + " .files a"); got != "日志收集说明.txt" {
				t.Errorf("the reply's file reads %q", got)
			}
			if got := c.text(".messages li:first-child .files a"); got != "backup.log" {
				t.Errorf("the description's file reads %q", got)
			}
			c.expectNoText(note, "the customer's ticket page")
			const answer = "日志已上传，保留周期是 30 天。"
			c.fill("body", answer)
			c.submit("#reply button[type=submit]", http.StatusOK)
			c.expectText(".flash", "flash.ticket_replied")
			c.expectText("#ticket-status .badge", "ticket.status.in_progress")
			c.photograph(photos, "journey-detail")

			// The agent, on the page loaded before that answer, resolves: the
			// conflict panel shows the answer, and the agent applies it again.
			s.do("choose 已解决", chromedp.SetValue(chromedp.CSS("#s-f-status"), string(ticket.StatusResolved)))
			s.submit("form[action$='/status'] button[type=submit]", http.StatusConflict)
			s.expectContains("#conflict h2", "staffticket.conflict.title")
			if got := s.text("#conflict"); !strings.Contains(got, answer) {
				t.Fatalf("the conflict panel does not show the customer's answer: %q", got)
			}
			s.expectText("#conflict-yours", "staffticket.conflict.status", "Status", s.tr("ticket.status.resolved"))
			s.photograph(photos, "journey-conflict")
			s.submit("#conflict form button[type=submit]", http.StatusOK)
			s.expectContains(".flash", "flash.staffticket.status")
			s.expectText(".tbadges .badge-st", "ticket.status.resolved")

			// The customer reopens it.
			c.open("/tickets/" + id)
			c.expectText("#ticket-status .badge", "ticket.status.resolved")
			c.expectNoText(note, "the resolved ticket")
			c.submit("#reopen", http.StatusOK)
			c.expectText(".flash", "flash.ticket_reopened")
			c.expectText("#ticket-status .badge", "ticket.status.in_progress")
			c.expectNoText(note, "the reopened ticket")

			// 我的工单 lists it as in progress.
			c.open("/tickets")
			lrow := "table.ttable tr:has(a[href='/tickets/" + id + "'])"
			if got := c.text(lrow + " th a"); got != title {
				t.Errorf("我的工单's row reads %q", got)
			}
			c.expectText(lrow+" .badge", "ticket.status.in_progress")
			c.photograph(photos, "journey-list")

			// A device out of coverage: the warning before submit.
			c.open("/warranty?sn=" + expired.SN)
			c.submit(row, http.StatusOK)
			c.expectValue("device", expired.SN)
			c.expectText("#device-uncovered", "ticket.submit.uncovered", "End", lastEnd(expired))
			c.photograph(photos, "journey-form-uncovered")

			// A company still in review is told why, with the way on.
			c.signOut()
			c.signInWithPassword("new@example.com", demoPassword)
			pending, _, _ := strings.Cut(c.tr("verification.gate.pending", "At", "\x00"), "\x00")
			for _, g := range []struct{ path, gate, heading, link string }{
				{"/tickets/new", "#ticket-gate", "ticket.submit.gate.heading", "ticket.submit.gate.link"},
				{"/tickets", "#tickets-gate", "tickets.gate.heading", "warranty.gate.link"},
			} {
				c.open(g.path)
				c.expectText(g.gate+" h2", g.heading)
				if got := c.text(g.gate); !strings.Contains(got, strings.TrimSpace(pending)) {
					t.Errorf("%s does not say the verification is in review: %q", g.path, got)
				}
				c.expectText(g.gate+" a[href='/account/company']", g.link)
				c.expectText(g.gate+" a[href='/account/verification']", "verification.action.details")
				c.do(g.path+" without its form", chromedp.WaitNotPresent(chromedp.CSS("#ticket-form, form[role=search]")))
				c.photograph(photos, "journey-gate"+strings.ReplaceAll(g.path, "/", "-"))
			}
		})
	}
}
