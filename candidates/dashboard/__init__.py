"""The recruiter dashboard: server-rendered pages with htmx (queue, detail, audit log, rules)."""
