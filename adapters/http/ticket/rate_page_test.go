package ticket_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	tk "supportal/domain/ticket"
)

// rate posts the rating form of ticket id.
func rate(c *webtest.Client, id int64, score, comment string) *webtest.Response {
	c.T.Helper()
	form := url.Values{"comment": {comment}}
	if score != "" {
		form.Set("score", score)
	}
	return c.Post("/tickets/"+itoa(id)+"/rating", form)
}

func TestRatingForm(t *testing.T) {
	e := newThreadEnv(t)
	a, _, _, ticket := twoCompanies(t, e)
	ctx := context.Background()
	agent := e.agent("agent@example.com")
	id := itoa(ticket.ID)
	c := e.client("zh-CN", "a@example.com")
	// An open ticket has no rating form, and a rating of it is refused.
	webtest.WantNoText(t, c.Get("/tickets/"+id), `id="rating"`, `name="score"`)
	r := rate(c, ticket.ID, "5", "")
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("zh-CN", "error.ticket.rating_open", nil))
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	// Resolved: five radio buttons in a fieldset with a legend, posted
	// without JavaScript.
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, "满意度评价", `<form method="post" action="/tickets/`+id+`/rating"`, `<fieldset class="field rating-set`,
		"<legend>您对本工单的处理是否满意？", `type="radio" name="score" id="f-score" value="5"`, `<label for="f-score">5 分 - 非常满意</label>`,
		`id="f-score-1" value="1"`, `<label for="f-comment">评价内容（选填）`, `maxlength="1000"`, "提交评价")
	webtest.WantNoText(t, r, " checked")
	// Refused: no score, and a comment over 1,000 characters.
	long := strings.Repeat("很", tk.MaxRatingComment+1)
	r = rate(c, ticket.ID, "", long)
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, `id="error-summary"`, `href="#f-score"`, `href="#f-comment"`, `id="e-score"`,
		webtest.T("zh-CN", "error.ticket.rating_score", nil),
		webtest.T("zh-CN", "error.ticket.rating_comment_long", map[string]any{"Max": tk.MaxRatingComment}), ">"+long+"</textarea>")
	r = rate(c, ticket.ID, "9", "")
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, webtest.T("zh-CN", "error.ticket.rating_score", nil))
	if v, _ := e.svc.Detail(ctx, as(a), ticket.ID); v.Ticket.Rating.Rated() {
		t.Fatalf("a refused rating was stored: %+v", v.Ticket.Rating)
	}
	// Rated: 303 with the flash, the rating shown and still changeable.
	webtest.WantRedirect(t, rate(c, ticket.ID, "4", "处理及时 <b>谢谢</b>"), "/tickets/"+id)
	r = c.Get("/tickets/" + id)
	webtest.WantText(t, r, "感谢您的评价", "您的评价：4 分（满分 5 分）", "评价人：王敏", "处理及时 <b>谢谢</b>",
		`id="f-score-4" value="4" checked`, "修改评价", `id="rating-until"`)
	if raw := string(r.Raw); strings.Contains(raw, "<b>谢谢") || !strings.Contains(raw, "&lt;b&gt;谢谢") {
		t.Error("the comment is not shown as text")
	}
	// Changed within 7 days (in English); the page then says until when.
	en := e.client("en", "a@example.com")
	e.clock.Advance(6 * 24 * time.Hour)
	webtest.WantRedirect(t, rate(en, ticket.ID, "2", ""), "/tickets/"+id)
	r = en.Get("/tickets/" + id)
	webtest.WantText(t, r, "Your rating was changed.", "Your rating: 2 out of 5", "Change rating", `id="f-score-2" value="2" checked`,
		"You can change your rating until")
	// After 7 days it is fixed: no form, and a post is refused.
	e.clock.Advance(24 * time.Hour)
	r = en.Get("/tickets/" + id)
	webtest.WantText(t, r, "Your rating: 2 out of 5", webtest.T("en", "tickets.rating.fixed", nil))
	webtest.WantNoText(t, r, `name="score"`)
	r = rate(en, ticket.ID, "5", "")
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, `id="error-summary"`, webtest.T("en", "error.ticket.rating_fixed", nil))
	if v, _ := e.svc.Detail(ctx, as(a), ticket.ID); v.Ticket.Rating.Score != 2 {
		t.Errorf("rating after the refused change: %+v", v.Ticket.Rating)
	}
}

func TestRatingKeptOnReopenedTicket(t *testing.T) {
	e := newThreadEnv(t)
	_, _, _, ticket := twoCompanies(t, e)
	ctx := context.Background()
	agent := e.agent("agent@example.com")
	id := itoa(ticket.ID)
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusResolved); err != nil {
		t.Fatal(err)
	}
	c := e.client("zh-CN", "a@example.com")
	webtest.WantRedirect(t, rate(c, ticket.ID, "3", ""), "/tickets/"+id)
	webtest.WantRedirect(t, reply(c, ticket.ID, "问题又出现了", nil), "/tickets/"+id)
	// Reopened: the rating is shown, without the form.
	r := c.Get("/tickets/" + id)
	webtest.WantText(t, r, `badge-ticket-in_progress`, "您的评价：3 分（满分 5 分）")
	webtest.WantNoText(t, r, `name="score"`, `id="rating-fixed"`)
}

func TestRatingFormEnglishAndOtherCompany(t *testing.T) {
	e := newThreadEnv(t)
	_, _, _, ticket := twoCompanies(t, e)
	ctx := context.Background()
	agent := e.agent("agent@example.com")
	id := itoa(ticket.ID)
	if _, err := e.svc.SetStatus(ctx, asAgent(agent), ticket.ID, tk.Loaded{}, tk.StatusClosed); err != nil {
		t.Fatal(err)
	}
	// A colleague rates the closed ticket, in English.
	c := e.client("en", "a2@example.com")
	r := c.Get("/tickets/" + id)
	webtest.WantText(t, r, "Rate our support", "<legend>How satisfied are you with how this ticket was handled?",
		`<label for="f-score">5 – Very satisfied</label>`, "Comment (optional)", "Submit rating")
	r = rate(c, ticket.ID, "", "")
	webtest.WantStatus(t, r, http.StatusUnprocessableEntity)
	webtest.WantText(t, r, "Choose a rating from 1 to 5.", `href="#f-score"`)
	webtest.WantRedirect(t, rate(c, ticket.ID, "5", "Quick and clear"), "/tickets/"+id)
	webtest.WantText(t, c.Get("/tickets/"+id), "Thank you for your rating.", "Your rating: 5 out of 5", "by 李雷", "Quick and clear")
	// Another company's customer: an unknown page, nothing changed.
	b := e.client("zh-CN", "b@example.com")
	webtest.WantStatus(t, rate(b, ticket.ID, "1", "差"), http.StatusNotFound)
	var score int
	if err := e.db.Get(&score, `SELECT rating_score FROM tickets WHERE id = $1`, ticket.ID); err != nil || score != 5 {
		t.Errorf("stored score %d (%v), want 5", score, err)
	}
}
