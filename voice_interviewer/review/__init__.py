"""Looking back on saved sessions: the report and its charts and audio, progress over sessions, the story bank."""
