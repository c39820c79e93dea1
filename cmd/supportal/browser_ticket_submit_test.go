package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"supportal/adapters/i18n"
)

// 提交工单 from a 服务查询 row on the real application with the dev seed:
// the row's 【提交工单】 opens the form with that device, the customer picks
// the type and priority, types a title and description, attaches a log
// file and submits; the confirmation shows the ticket's number. With
// JavaScript the form goes through htmx (HX-Redirect); without, it is a
// plain POST and 303.

func TestBrowserTicketSubmit(t *testing.T) {
	chromiumPath(t)
	for _, cs := range ticketRuns {
		t.Run(cs.name(), func(t *testing.T) {
			t.Parallel()
			app, a5000, _, _ := warrantyApp(t)
			sn := a5000.Devices[0].SN
			b := newBrowser(t, app, cs.lang, cs.js)
			b.signInWithPassword("demo@example.com", demoPassword)
			b.open("/warranty?name=a5000")
			row := "#results tbody.device a.dticket"
			b.expectText(row, "warranty.ticket")
			b.submit(row, http.StatusOK)
			b.expectPath("/tickets/new")
			b.expectText("main h1", "ticket.submit.title")
			b.expectValue("device", sn)
			if cs.js && cs.lang == i18n.ZH {
				for _, w := range []int64{1440, 390} {
					b.viewport(w, 900)
					b.saveScreenshot("ticket-form-" + strconv.FormatInt(w, 10))
				}
				b.viewport(1280, 900)
			}
			b.choose("category", "fault")
			b.click("#f-priority-2")
			b.fill("title", "备份任务失败 E1024")
			b.fill("description", "每晚的备份任务失败。\n错误代码 E1024。")
			file := filepath.Join(t.TempDir(), "backup.log")
			if err := os.WriteFile(file, []byte("2026-01-01 02:00 backup failed: E1024\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			b.do("attach the log", chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{file}))
			// htmx's HX-Redirect, or the 303 without JavaScript, loads the
			// confirmation.
			b.submit("#ticket-form button[type=submit]", http.StatusOK)
			if !createdPath.MatchString(b.path()) {
				t.Fatalf("the form led to %s", b.path())
			}
			b.expectText("#ticket-created h1", "ticket.created.heading")
			if n := b.text("#ticket-number"); !strings.HasPrefix(n, "T") {
				t.Fatalf("ticket number %q", n)
			}
			if got := b.text("#ticket-files"); got != "backup.log" {
				t.Errorf("attachments listed: %q", got)
			}
		})
	}
}
