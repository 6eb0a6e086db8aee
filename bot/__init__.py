"""The bot: settings, the Application, jobs, the organizer's command line."""

import os

# PTB 22 gives durations such as `RetryAfter.retry_after` as int and warns
# (PTBDeprecationWarning) each time one is made; PTB 23 makes them `timedelta`. We take the
# timedelta now (jobs/sending.py reads it), which also silences the warning.
os.environ["PTB_TIMEDELTA"] = "true"
