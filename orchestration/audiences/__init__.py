"""Campaign audiences: mailing lists from the segments, every export accounted for
(docs/business-rules.md section 15).

The audiences are `seeds/campaign_audiences.csv`; their members (contacts with marketing
consent only) are `marts.audience_members` of the published warehouse. An export writes
a mailing list as CSV or Excel and records it in the decisions store (who, when, which
audience, how many contacts, which relations), append-only, like the decisions.

Modules: `exports` (the export log's tables in the decisions store), `mailing` (reading
an audience, writing the file, recording the export: the one implementation the campaign
page and the command line share), `raw` (the log copied into the warehouse at each
refresh), `__main__` (the command line).
"""
