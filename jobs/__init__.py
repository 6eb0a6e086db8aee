"""Timed work and senders: the job table and its scheduling, the notice outbox's sender, the
announcement and broadcast senders, and the one sending pace all bot processes share."""
