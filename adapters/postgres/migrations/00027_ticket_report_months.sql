-- Tickets: the staff reports read monthly sums instead of every ticket.
--
-- A report of 6 months judged about 110,000 covered tickets per request on
-- the benchmark's million (00024's indexes made that one index-only pass, but
-- still ≈ 200 ms of PostgreSQL). Most of those tickets can no longer change
-- their outcome: once a ticket is resolved or closed, its first-response and
-- resolution results are what the clocks stored (ticket.Ticket's
-- FirstResponseOutcome and ResolutionOutcome do not depend on the time any
-- more), and a rating's score counts the same whenever it is read. Only the
-- open tickets (新建, 处理中, 待客户反馈) are judged against the time of the
-- report. So the store keeps:
--
--   ticket_sla_months     per creation month, tier and company: the covered
--                         resolved and closed tickets, and how many met and
--                         breached each target;
--   ticket_rating_months  per month of the rating's last change, tier and
--                         score: the ratings.
--
-- The triggers below keep both up to date in the transaction that changes a
-- ticket: they subtract what the old row counted and add what the new one
-- counts, whatever the statement (the web, the timed rules, the inbound mail,
-- COPY). A ticket that is reopened leaves the sums; a rating changed within
-- its 7 days moves from its old month and score to the new ones.
--
-- Months are those of Asia/Shanghai, the product's default zone
-- (identity.DefaultTimeZone; reportMonthZone in ticket_report_months.go). A
-- viewer in another zone reads the same sums, corrected at each month
-- boundary by the tickets between the two zones' boundaries (a few hours),
-- which the query reads from the tickets themselves.
--
-- tickets_report_open_idx is rebuilt with the SLA columns, so that the open
-- tickets of a report are judged from it alone (index-only, as the backlog).
-- tickets_report_company_rated_idx finds one company's ratings. The sums'
-- indexes carry the counts, so that a report reads them alone (index-only).

-- +goose Up
CREATE TABLE ticket_sla_months (
    month       timestamptz NOT NULL,
    tier        text        NOT NULL,
    company_id  bigint      NOT NULL,
    tickets     integer     NOT NULL,
    fr_met      integer     NOT NULL,
    fr_breached integer     NOT NULL,
    rs_met      integer     NOT NULL,
    rs_breached integer     NOT NULL,
    PRIMARY KEY (month, tier, company_id) INCLUDE (tickets, fr_met, fr_breached, rs_met, rs_breached)
);
CREATE INDEX ticket_sla_months_company_idx ON ticket_sla_months (company_id, month)
    INCLUDE (tier, tickets, fr_met, fr_breached, rs_met, rs_breached);

CREATE TABLE ticket_rating_months (
    month   timestamptz NOT NULL,
    tier    text        NOT NULL,
    score   smallint    NOT NULL,
    ratings integer     NOT NULL,
    PRIMARY KEY (month, tier, score)
);

-- ticket_sla_part is what a ticket counts in ticket_sla_months (its month,
-- tier and company, one ticket, and its results as the report query of the
-- open tickets judges them), or NULL when it counts nothing there.
-- +goose StatementBegin
CREATE FUNCTION ticket_sla_part(t tickets) RETURNS ticket_sla_months
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('month', t.created_at, 'Asia/Shanghai'), t.tier, t.company_id, 1,
        CASE WHEN NOT t.first_response_breached AND t.first_response_at IS NOT NULL
            AND t.first_response_due IS NOT NULL THEN 1 ELSE 0 END,
        CASE WHEN t.first_response_breached THEN 1 ELSE 0 END,
        CASE WHEN t.resolution_breached IS NOT TRUE AND t.status IN ('resolved', 'closed')
            AND t.resolution_due IS NOT NULL THEN 1 ELSE 0 END,
        CASE WHEN t.resolution_breached THEN 1 ELSE 0 END
    WHERE t.covered AND t.tier <> '' AND t.status NOT IN ('new', 'in_progress', 'waiting')
$$;
-- +goose StatementEnd

-- ticket_rating_part is what a ticket counts in ticket_rating_months, or
-- NULL when it is not rated.
-- +goose StatementBegin
CREATE FUNCTION ticket_rating_part(t tickets) RETURNS ticket_rating_months
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('month', t.rated_at, 'Asia/Shanghai'), t.tier, t.rating_score, 1
    WHERE t.rating_score IS NOT NULL AND t.rated_at IS NOT NULL
$$;
-- +goose StatementEnd

-- ticket_report_months_add adds the parts p and r, times sign, to the sums.
-- +goose StatementBegin
CREATE FUNCTION ticket_report_months_add(p ticket_sla_months, r ticket_rating_months, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p.month IS NOT NULL THEN
        INSERT INTO ticket_sla_months AS m
        VALUES (p.month, p.tier, p.company_id, sign * p.tickets, sign * p.fr_met, sign * p.fr_breached,
                sign * p.rs_met, sign * p.rs_breached)
        ON CONFLICT (month, tier, company_id) DO UPDATE SET
            tickets = m.tickets + excluded.tickets, fr_met = m.fr_met + excluded.fr_met,
            fr_breached = m.fr_breached + excluded.fr_breached, rs_met = m.rs_met + excluded.rs_met,
            rs_breached = m.rs_breached + excluded.rs_breached;
    END IF;
    IF r.month IS NOT NULL THEN
        INSERT INTO ticket_rating_months AS m VALUES (r.month, r.tier, r.score, sign * r.ratings)
        ON CONFLICT (month, tier, score) DO UPDATE SET ratings = m.ratings + excluded.ratings;
    END IF;
END $$;
-- +goose StatementEnd

-- ticket_report_months is the trigger: the old row's parts out, the new
-- row's in, each only when it changed.
-- +goose StatementBegin
CREATE FUNCTION ticket_report_months() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    op ticket_sla_months;   np ticket_sla_months;
    orr ticket_rating_months; nr ticket_rating_months;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        op := ticket_sla_part(OLD);
        orr := ticket_rating_part(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        np := ticket_sla_part(NEW);
        nr := ticket_rating_part(NEW);
    END IF;
    IF op IS NOT DISTINCT FROM np THEN
        op := NULL; np := NULL;
    END IF;
    IF orr IS NOT DISTINCT FROM nr THEN
        orr := NULL; nr := NULL;
    END IF;
    PERFORM ticket_report_months_add(op, orr, -1);
    PERFORM ticket_report_months_add(np, nr, 1);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- The triggers fire only for rows that count or counted somewhere: the
-- updates of open, unrated tickets (most of them) skip the function.
CREATE TRIGGER ticket_report_months_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN ((NEW.covered AND NEW.status NOT IN ('new', 'in_progress', 'waiting')) OR NEW.rating_score IS NOT NULL)
    EXECUTE FUNCTION ticket_report_months();
CREATE TRIGGER ticket_report_months_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN ((OLD.status NOT IN ('new', 'in_progress', 'waiting') OR NEW.status NOT IN ('new', 'in_progress', 'waiting')
           OR OLD.rating_score IS NOT NULL OR NEW.rating_score IS NOT NULL)
      AND (OLD.status, OLD.covered, OLD.tier, OLD.company_id, OLD.created_at, OLD.first_response_at,
           OLD.first_response_due, OLD.first_response_breached, OLD.resolution_due, OLD.resolution_breached,
           OLD.rating_score, OLD.rated_at)
          IS DISTINCT FROM
          (NEW.status, NEW.covered, NEW.tier, NEW.company_id, NEW.created_at, NEW.first_response_at,
           NEW.first_response_due, NEW.first_response_breached, NEW.resolution_due, NEW.resolution_breached,
           NEW.rating_score, NEW.rated_at))
    EXECUTE FUNCTION ticket_report_months();
CREATE TRIGGER ticket_report_months_delete AFTER DELETE ON tickets FOR EACH ROW
    WHEN ((OLD.covered AND OLD.status NOT IN ('new', 'in_progress', 'waiting')) OR OLD.rating_score IS NOT NULL)
    EXECUTE FUNCTION ticket_report_months();

-- ticket_report_months_rebuild computes both sums again from the tickets:
-- the start below, and a bulk load that ran with the triggers off.
-- +goose StatementBegin
CREATE FUNCTION ticket_report_months_rebuild() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM ticket_sla_months;
    DELETE FROM ticket_rating_months;
    INSERT INTO ticket_sla_months
    SELECT p.month, p.tier, p.company_id, sum(p.tickets), sum(p.fr_met), sum(p.fr_breached),
        sum(p.rs_met), sum(p.rs_breached)
    FROM tickets t CROSS JOIN LATERAL ticket_sla_part(t) p
    WHERE t.covered AND t.tier <> '' AND t.status NOT IN ('new', 'in_progress', 'waiting') AND p.month IS NOT NULL
    GROUP BY 1, 2, 3;
    INSERT INTO ticket_rating_months
    SELECT r.month, r.tier, r.score, sum(r.ratings)
    FROM tickets t CROSS JOIN LATERAL ticket_rating_part(t) r
    WHERE t.rating_score IS NOT NULL AND r.month IS NOT NULL
    GROUP BY 1, 2, 3;
$$;
-- +goose StatementEnd
SELECT ticket_report_months_rebuild();

DROP INDEX tickets_report_open_idx;
CREATE INDEX tickets_report_open_idx ON tickets (created_at)
    INCLUDE (company_id, tier, status, priority, covered, first_response_at, first_response_due,
             first_response_breached, resolution_due, resolution_breached)
    WHERE status IN ('new', 'in_progress', 'waiting') AND tier IS NOT NULL;
CREATE INDEX tickets_report_company_rated_idx ON tickets (company_id, rated_at)
    INCLUDE (tier, rating_score)
    WHERE rating_score IS NOT NULL;

-- +goose Down
DROP INDEX tickets_report_company_rated_idx;
DROP INDEX tickets_report_open_idx;
CREATE INDEX tickets_report_open_idx ON tickets (created_at)
    INCLUDE (company_id, tier, status, priority)
    WHERE status IN ('new', 'in_progress', 'waiting') AND tier IS NOT NULL;
DROP TRIGGER ticket_report_months_delete ON tickets;
DROP TRIGGER ticket_report_months_update ON tickets;
DROP TRIGGER ticket_report_months_insert ON tickets;
DROP FUNCTION ticket_report_months_rebuild();
DROP FUNCTION ticket_report_months();
DROP FUNCTION ticket_report_months_add(ticket_sla_months, ticket_rating_months, integer);
DROP FUNCTION ticket_rating_part(tickets);
DROP FUNCTION ticket_sla_part(tickets);
DROP TABLE ticket_rating_months;
DROP TABLE ticket_sla_months;
