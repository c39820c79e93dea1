package staff_test

import (
	"strings"
	"testing"
	"time"

	"supportal/adapters/http/webtest"
	tk "supportal/domain/ticket"
)

func TestAgentSeesTheRating(t *testing.T) {
	d := newDesk(t, "阵列离线")
	ctx := t.Context()
	agent := tk.Actor{AccountID: d.wang.ID, StaffRole: tk.StaffAgent}
	unrated := d.e.open(d.cust, "扩容咨询", tk.P3, "")
	for _, id := range []int64{d.t.ID, unrated.ID} {
		if _, err := d.e.svc.SetStatus(ctx, agent, id, tk.Loaded{}, tk.StatusResolved); err != nil {
			t.Fatal(err)
		}
	}
	c := d.e.signIn(d.wang, "zh-CN")
	r, _ := c.page(unrated.ID)
	webtest.WantText(t, r, "客户评价", "尚未评价。")
	if _, err := d.e.svc.Rate(ctx, d.customerActor(), d.t.ID, tk.RatingInput{Score: 4, Comment: "响应及时"}); err != nil {
		t.Fatal(err)
	}
	d.e.clock.Advance(time.Hour)
	if _, err := d.e.svc.Rate(ctx, d.customerActor(), d.t.ID, tk.RatingInput{Score: 2, Comment: "后来又坏了"}); err != nil {
		t.Fatal(err)
	}
	r, _ = c.page(d.t.ID)
	webtest.WantText(t, r, "客户评价", "2 分（满分 5 分）", "后来又坏了", d.cust.Name+" 评价于",
		"评价了工单：4 分", "将评价从 4 分改为 2 分")
	webtest.WantNoText(t, r, "尚未评价。", "响应及时")
	// The queue lists open tickets: a rated ticket the customer reopened
	// by replying carries its badge there, the others none.
	if _, err := d.e.svc.Reply(ctx, d.customerActor(), d.t.ID, "问题又出现了", nil); err != nil {
		t.Fatal(err)
	}
	d.e.open(d.cust, "另一个问题", tk.P3, "")
	q := c.Get("/staff/tickets")
	webtest.WantText(t, q, d.t.Number, `<span class="badge badge-rating">评分 2/5</span>`)
	if n := strings.Count(q.Body, "badge-rating"); n != 1 {
		t.Errorf("%d rating badges in the queue, want 1", n)
	}
	en := d.e.signIn(d.zhao, "en")
	r, _ = en.page(d.t.ID)
	webtest.WantText(t, r, "Customer rating", "2 out of 5", "Rated by "+d.cust.Name+" on", "rated the ticket 4 out of 5",
		"changed the rating from 4 to 2 out of 5")
	webtest.WantText(t, en.Get("/staff/tickets"), "Rated 2/5")
}
