package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"supportal/domain/ticket"
)

// The rows of the ticket matrix (see ticket_matrix_test.go).

// custCols is the column set of a customer route: the anonymous and
// unverified callers, company A's two customers, B's customer; staff are
// refused (403).
func custCols(anonymous, unverified, a, b int) [nActors]int {
	return [nActors]int{anonymous, unverified, a, a, b, 403, 403, 403}
}

// staffRoute is the column set of an agents' route: customers get 404, the
// reviewer 403, agents and admins ok.
func staffRoute(anonymous, ok int) [nActors]int {
	return [nActors]int{anonymous, 404, 404, 404, 404, 403, ok, ok}
}

func fixed(p string) func(*matrixEnv, ticket.Ticket) string {
	return func(*matrixEnv, ticket.Ticket) string { return p }
}

func onTicket(format string) func(*matrixEnv, ticket.Ticket) string {
	return func(_ *matrixEnv, t ticket.Ticket) string { return fmt.Sprintf(format, t.ID) }
}

func matrixCells(m *matrixEnv) []cell {
	q := func(s string) string { return url.QueryEscape(s) }
	list := func(name, query, hx string) cell {
		return cell{route: "GET /tickets", name: name, path: fixed("/tickets" + query), hx: hx, want: custCols(toSignIn, 200, 200, 200)}
	}
	cells := []cell{
		list("list", "", ""), list("list, all", "?status=all", ""), list("list, mine", "?status=all&mine=1", ""),
		list("list, htmx results", "?status=all", "results"), list("list, htmx filters", "?status=closed", "tickets"),
		list("search A's number", "?status=all&q="+q(m.tA.Number), "results"), list("search A's title", "?status=all&q="+q(titleA), ""),
		list("search A's SN", "?status=all&q=SNACOVERED1", ""), list("search B's number", "?status=all&q="+q(m.tB.Number), ""),
		list("search B's title", "?status=all&q="+q(titleB), "results"), list("search B's SN", "?status=all&q=snbother3", ""),
		list("search a note", "?status=all&q=MXNOTE", ""),
	}
	form := func(name, query, hx string) cell {
		return cell{route: "GET /tickets/new", name: name, path: fixed("/tickets/new" + query), hx: hx, want: custCols(toSignIn, 200, 200, 200)}
	}
	cells = append(cells, form("form", "", ""), form("form, B's device", "?device="+idStr(m.other.ID), ""),
		form("form, A's device", "?device="+idStr(m.covered.ID), ""), form("form, B's SN", "?sn=SNBOTHER3", ""),
		form("form, A's SN", "?sn=snacovered1", ""), form("form, htmx device field", "?device="+idStr(m.covered.ID), "device-field"),
		form("form, htmx B's device", "?device="+idStr(m.other.ID), "device-field"))
	cells = append(cells,
		cell{route: "GET /tickets/new", name: "follow-up of A's ticket", path: onTicket("/tickets/new?follow_up=%d"), on: 'A', want: custCols(toSignIn, 200, 200, 404)},
		cell{route: "GET /tickets/new", name: "follow-up of B's ticket", path: onTicket("/tickets/new?follow_up=%d"), on: 'B', want: custCols(toSignIn, 200, 404, 200)})
	for _, s := range []string{"sn", "snb", "SNBOTHER3", "snacov", "容灾", "AnyBackup"} {
		for _, hx := range []string{"device-list", ""} {
			cells = append(cells, cell{route: "GET /tickets/new/devices", name: "type-ahead " + s + " " + hx, path: fixed("/tickets/new/devices?q=" + q(s)),
				hx: hx, want: custCols(toSignIn, 403, 200, 200)})
		}
	}
	cells = append(cells, cell{route: "GET /tickets/new/devices", name: "type-ahead by device_sn", path: fixed("/tickets/new/devices?device_sn=snb"),
		want: custCols(toSignIn, 403, 200, 200)})
	cells = append(cells, cell{route: "POST /tickets", name: "create", path: fixed("/tickets"), want: custCols(401, 403, 303, 303),
		post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
			return multipartRequest(path, token, validForm("矩阵新建工单"), "矩阵.txt", "text")
		}})
	for _, co := range []byte{'A', 'B'} {
		a, b := 200, 404
		if co == 'B' {
			a, b = b, a
		}
		ok, cross := 303, 404
		refused, other := 422, 404
		if co == 'B' {
			ok, cross = cross, ok
			refused, other = other, refused
		}
		cells = append(cells,
			cell{route: "GET /tickets/:id<int>", name: "detail", path: onTicket("/tickets/%d"), on: co, want: custCols(toSignIn, 404, a, b)},
			cell{route: "GET /tickets/:id<int>", name: "detail, htmx", path: onTicket("/tickets/%d"), on: co, hx: "main", want: custCols(toSignIn, 404, a, b)},
			cell{route: "GET /tickets/:id<int>/created", name: "confirmation", path: onTicket("/tickets/%d/created"), on: co, want: custCols(toSignIn, 404, a, b)},
			cell{route: "GET /tickets/:id<int>/close", name: "close page", path: onTicket("/tickets/%d/close"), on: co, want: custCols(toSignIn, 404, a, b)},
			cell{route: "POST /tickets/:id<int>/reply", name: "reply", path: onTicket("/tickets/%d/reply"), on: co, want: custCols(401, 404, ok, cross),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return multipartRequest(path, token, map[string]string{"body": "矩阵回复"}, "回复.txt", "text")
				}},
			cell{route: "POST /tickets/:id<int>/reply", name: "empty reply, htmx", path: onTicket("/tickets/%d/reply"), on: co, hx: "reply", want: custCols(401, 404, refused, other),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return multipartRequest(path, token, map[string]string{"body": ""}, "", "")
				}},
			cell{route: "POST /tickets/:id<int>/close", name: "close", path: onTicket("/tickets/%d/close"), on: co, want: custCols(401, 404, ok, cross),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return formRequest(path, token, nil)
				}},
			cell{route: "POST /tickets/:id<int>/reopen", name: "reopen", path: onTicket("/tickets/%d/reopen"), on: co, want: custCols(401, 404, ok, cross),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return formRequest(path, token, nil)
				},
				fresh: (*matrixEnv).resolved},
			cell{route: "POST /tickets/:id<int>/rating", name: "rate", path: onTicket("/tickets/%d/rating"), on: co, want: custCols(401, 404, ok, cross),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return formRequest(path, token, map[string]string{"score": "4", "comment": "矩阵评价"})
				},
				fresh: (*matrixEnv).resolved},
			cell{route: "POST /tickets/:id<int>/rating", name: "rate an open ticket", path: onTicket("/tickets/%d/rating"), on: co,
				want: custCols(401, 404, refused, other),
				post: func(m *matrixEnv, token, path string, _ ticket.Ticket) *http.Request {
					return formRequest(path, token, map[string]string{"score": "5"})
				}},
		)
		for _, sc := range []struct{ action, kv string }{{"assign", "assignee="}, {"status", "status=in_progress"},
			{"priority", "priority=1"}, {"category", "category=question"}, {"reply", ""}} {
			k, v, _ := strings.Cut(sc.kv, "=")
			action := sc.action
			cells = append(cells, cell{route: "POST /staff/tickets/:id<int>/" + action, name: action, path: onTicket("/staff/tickets/%d/" + action),
				on: co, want: staffRoute(401, 303),
				post: func(m *matrixEnv, token, path string, t ticket.Ticket) *http.Request {
					if action == "reply" {
						return multipartRequest(path, token, staffFields(t, "body", "矩阵答复", "next_status", ""), "答复.txt", "text")
					}
					return formRequest(path, token, staffFields(t, k, v))
				}})
		}
		cells = append(cells,
			cell{route: "GET /staff/tickets/:id<int>", name: "staff ticket", path: onTicket("/staff/tickets/%d"), on: co, want: staffRoute(toSignIn, 200)},
			cell{route: "GET /staff/tickets/:id<int>", name: "staff ticket, htmx", path: onTicket("/staff/tickets/%d"), on: co, hx: "main", want: staffRoute(toSignIn, 200)})
	}
	file := func(route, name, prefix string, att int64, want [nActors]int) cell {
		return cell{route: route, name: name, path: fixed(prefix + idStr(att)), want: want}
	}
	cells = append(cells,
		file("GET /tickets/files/:id<int>", "A's public file", "/tickets/files/", m.pubA, custCols(toSignIn, 404, 200, 404)),
		file("GET /tickets/files/:id<int>", "A's note file", "/tickets/files/", m.noteA, custCols(toSignIn, 404, 404, 404)),
		file("GET /tickets/files/:id<int>", "B's public file", "/tickets/files/", m.pubB, custCols(toSignIn, 404, 404, 200)),
		file("GET /staff/tickets/files/:id<int>", "A's public file", "/staff/tickets/files/", m.pubA, staffRoute(toSignIn, 200)),
		file("GET /staff/tickets/files/:id<int>", "A's note file", "/staff/tickets/files/", m.noteA, staffRoute(toSignIn, 200)),
		file("GET /staff/tickets/files/:id<int>", "B's file", "/staff/tickets/files/", m.pubB, staffRoute(toSignIn, 200)))
	for _, query := range []string{"", "?view=unassigned", "?view=open&q=" + q(m.tA.Number), "?view=open&q=SNBOTHER3",
		"?view=due_soon&company=" + q("乙方"), "?view=overdue", "?view=waiting&coverage=uncovered", "?view=mine&status=new&priority=2&category=fault"} {
		for _, hx := range []string{"", "results"} {
			cells = append(cells, cell{route: "GET /staff/tickets", name: "queue " + query + " " + hx, path: fixed("/staff/tickets" + query),
				hx: hx, want: staffRoute(toSignIn, 200)})
		}
	}
	// The staff reports and their exports: agents and admins only.
	for _, query := range []string{"", "?from=2026-01&to=2026-03&tier=standard&company=" + idStr(m.tA.CompanyID)} {
		cells = append(cells,
			cell{route: "GET /staff/reports", name: "reports " + query, path: fixed("/staff/reports" + query),
				want: staffRoute(toSignIn, 200)},
			cell{route: "GET /staff/reports/:name.csv", name: "report CSV " + query,
				path: fixed("/staff/reports/sla_company.csv" + query), want: staffRoute(toSignIn, 200)},
			cell{route: "GET /staff/reports/:name.xlsx", name: "report XLSX " + query,
				path: fixed("/staff/reports/backlog_status.xlsx" + query), want: staffRoute(toSignIn, 200)})
	}
	cells = append(cells, cell{route: "GET /staff/reports/:name.csv", name: "unknown report",
		path: fixed("/staff/reports/nothing.csv"), want: staffRoute(toSignIn, 404)},
		cell{route: "GET /staff/reports", name: "reports, bad period", path: fixed("/staff/reports?from=2026-13"),
			want: staffRoute(toSignIn, 422)})
	return cells
}
