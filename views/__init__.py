"""Everything that turns data into something a person reads, in their language: timetable
texts, pictures and calendar files, announcements, the results chart, the matching summary."""
