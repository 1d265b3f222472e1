"""``maid org``: run policies over many accounts and regions, with c7n-org's accounts file and
output layout (``OUT/<account>/<region>/<policy>/``).

accounts.py reads and selects accounts and expands their ``vars`` in policies; creds.py assumes
each account's role once and refreshes it; runner.py runs the engine per account x region in a
bounded thread pool; report.py reads the output back; command.py is the click group.
"""

#: account x region tasks run at once unless --workers says otherwise
DEFAULT_WORKERS = 4
