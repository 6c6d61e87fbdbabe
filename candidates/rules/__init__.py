"""The rules workspace: simulating drafts against stored candidates, publishing and rescoring.

Rule-set versioning itself lives in checks (checks.drafts, checks.ruleset_io); what needs
candidates — simulation, the rescoring pass, the pages — lives here."""
